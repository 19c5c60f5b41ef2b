#load ".opsflow/globals.csx"
// notice-drill: practise the notices, not the systems. Each outcome ends the run the way an incident would while
// touching nothing, so an on-call team can check before a real failure who is told what, and where: the run's
// conversation (the default conversation when started from the dashboard, the API or the CLI) and the severity
// routes of OpsFlow:Notifications (email, webhooks, other conversations).
//
//   outcome=warnings     succeeds with a warning finding          → "succeeded with warnings" (warning)
//   outcome=rolled-back  a step fails, its rollback works         → failure (error), then "rolled back" (error)
//   outcome=needs-human  a step fails, its rollback fails as well → failure (error), then "needs a human" (critical),
//                                                                   mentioning the requester and every admin
Workflow("notice-drill", "Practise OpsFlow's notices (warnings, a rollback, a rollback that needs a human), touching nothing");

var outcome = Param<string>("outcome", "how the drill ends", oneOf: ["warnings", "rolled-back", "needs-human"]);

// A needs-human drill pings every admin: only an admin may sound it. (Any operator may run the others.)
StartableBy("role:admin", when: "outcome=needs-human");

var prepare = Step("prepare", ctx =>
{
    ctx.Log($"drill ({outcome}): nothing is changed; this step only gives the next one something to roll back");
})
.Compensate(ctx =>
{
    if (outcome == "needs-human")
    {
        throw new InvalidOperationException("drill: this rollback fails on purpose. Nothing was changed, so there is nothing to finish by hand");
    }

    ctx.Log("drill: rolled back (there was nothing to undo)");
});

Step("change", ctx =>
{
    if (outcome == "warnings")
    {
        ctx.Finding(FindingLevel.Warning, "drill: a warning on purpose; nothing is wrong");
        return;
    }

    // Not retried: the drill must end at once, the way a failure that will not get better does.
    throw new StepFailedException($"drill: failing on purpose to practise the {outcome} notices", retry: false);
}).After(prepare);
