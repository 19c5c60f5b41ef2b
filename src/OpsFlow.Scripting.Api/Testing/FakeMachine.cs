using System.Net;
using System.Text;
using OpsFlow.Engine.Definitions;

namespace OpsFlow.Scripting.Api.Testing;

/// <summary>An HTTP request a step sent to the fake machine.</summary>
public sealed record HttpCall(string Method, string Url, string? Body);

/// <summary>
/// The machine of <c>opsflow test</c>: nothing runs and nothing is sent; every program and URL a step uses answers as
/// the test declared (<see cref="OnRun"/>, <see cref="OnHttp"/>), and what the steps did is recorded for the test to
/// check. Something the test did not declare fails the way a missing program or a closed port would, saying what to
/// declare. Services started with <c>ctx.StartDetached</c> get made-up process ids from 4000 and count as running
/// until stopped.
/// </summary>
public sealed class FakeMachine : IMachine
{
    private readonly Lock _gate = new();
    private readonly List<CommandRule> _programs = [];
    private readonly List<HttpRule> _urls = [];
    private readonly List<ProcessCall> _calls = [];
    private readonly List<HttpCall> _requests = [];
    private readonly HashSet<int> _running = [];
    private readonly List<int> _stopped = [];
    private int _nextPid = 4000;

    /// <summary>Declares what <paramref name="program"/> does when its arguments begin with <paramref name="argumentsStart"/>.</summary>
    public CommandRule OnRun(string program, params string[] argumentsStart)
    {
        var rule = new CommandRule(program, argumentsStart);
        lock (_gate)
        {
            _programs.Add(rule);
        }

        return rule;
    }

    /// <summary>Declares how <paramref name="url"/> answers <paramref name="method"/>.</summary>
    public HttpRule OnHttp(string url, string method = "GET")
    {
        var rule = new HttpRule(method, url);
        lock (_gate)
        {
            _urls.Add(rule);
        }

        return rule;
    }

    /// <summary>Every program run or started, in order.</summary>
    public IReadOnlyList<ProcessCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>Every HTTP request, in order.</summary>
    public IReadOnlyList<HttpCall> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>The process ids of started services not stopped since.</summary>
    public IReadOnlyList<int> Running
    {
        get
        {
            lock (_gate)
            {
                return [.. _running.Order()];
            }
        }
    }

    /// <summary>The process ids steps stopped, in order.</summary>
    public IReadOnlyList<int> Stopped
    {
        get
        {
            lock (_gate)
            {
                return [.. _stopped];
            }
        }
    }

    /// <summary>True when a step ran or started <paramref name="program"/> with arguments beginning with <paramref name="argumentsStart"/>.</summary>
    public bool Ran(string program, params string[] argumentsStart)
    {
        var probe = new CommandRule(program, argumentsStart);
        return Calls.Any(probe.Matches);
    }

    Task<int> IMachine.RunAsync(StepContext ctx, ProcessCall call, Action<string> output, Action<string> errors)
    {
        ctx.CancellationToken.ThrowIfCancellationRequested();
        CommandRule? rule;
        lock (_gate)
        {
            _calls.Add(call);
            rule = _programs.LastOrDefault(r => r.Matches(call));
        }

        return Task.FromResult(rule is null
            ? CommandRule.NotFaked(call, "on this machine", $"t.Machine.OnRun(\"{call.Program}\").Exits(0)", errors)
            : rule.Answer(call, output, errors));
    }

    int IMachine.StartDetached(StepContext ctx, ProcessCall call, string logFile)
    {
        lock (_gate)
        {
            _calls.Add(call);
            var pid = _nextPid++;
            _running.Add(pid);
            return pid;
        }
    }

    Task<bool> IMachine.StopAsync(StepContext ctx, int processId, TimeSpan grace)
    {
        bool wasRunning;
        lock (_gate)
        {
            wasRunning = _running.Remove(processId);
            if (wasRunning)
            {
                _stopped.Add(processId);
            }
        }

        ctx.Log(wasRunning ? $"process {processId} stopped" : $"process {processId} is not running");
        return Task.FromResult(wasRunning);
    }

    bool IMachine.IsRunning(int processId, string folder)
    {
        lock (_gate)
        {
            return _running.Contains(processId);
        }
    }

    async Task<HttpResponseMessage> IMachine.SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var uri = request.RequestUri!;
        var url = uri.OriginalString;
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        HttpRule? rule;
        lock (_gate)
        {
            _requests.Add(new HttpCall(request.Method.Method, url, body));
            rule = _urls.LastOrDefault(r => r.Matches(request.Method.Method, uri));
        }

        if (rule is null)
        {
            throw new HttpRequestException($"opsflow test: nothing fakes {request.Method.Method} {url}; declare it, e.g. t.Machine.OnHttp(\"{url}\").Answers(200, \"ok\")");
        }

        return rule.Next();
    }
}

/// <summary>How a faked URL answers: each <see cref="Answers"/> or <see cref="Refuses"/> is one reply, in turn; the last one repeats.</summary>
public sealed class HttpRule
{
    private readonly Lock _gate = new();
    private readonly List<(int Status, string Body)?> _replies = [];
    private int _next;

    internal HttpRule(string method, string url)
    {
        Method = method;
        Url = url;
    }

    public string Method { get; }

    public string Url { get; }

    /// <summary>The next reply is <paramref name="status"/> with <paramref name="body"/>.</summary>
    public HttpRule Answers(int status, string body = "")
    {
        lock (_gate)
        {
            _replies.Add((status, body));
        }

        return this;
    }

    /// <summary>The next request finds nothing listening (as when the service is down).</summary>
    public HttpRule Refuses()
    {
        lock (_gate)
        {
            _replies.Add(null);
        }

        return this;
    }

    /// <summary>The same method and URL, compared as URLs (http://a:80/x is http://a/x).</summary>
    internal bool Matches(string method, Uri url) =>
        string.Equals(method, Method, StringComparison.OrdinalIgnoreCase)
        && Uri.TryCreate(Url, UriKind.Absolute, out var declared)
        && Uri.Compare(declared, url, UriComponents.AbsoluteUri, UriFormat.SafeUnescaped, StringComparison.Ordinal) == 0;

    internal HttpResponseMessage Next()
    {
        (int Status, string Body)? reply;
        lock (_gate)
        {
            if (_replies.Count == 0)
            {
                throw new HttpRequestException($"opsflow test: {Method} {Url} is declared without an answer; add .Answers(200, \"ok\") or .Refuses()");
            }

            reply = _replies[Math.Min(_next, _replies.Count - 1)];
            _next++;
        }

        if (reply is not { } answer)
        {
            throw new HttpRequestException($"connection refused ({Url}, faked by the test)");
        }

        return new HttpResponseMessage((HttpStatusCode)answer.Status) { Content = new StringContent(answer.Body, Encoding.UTF8, "text/plain") };
    }
}
