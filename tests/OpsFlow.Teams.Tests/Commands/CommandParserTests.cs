using System.Text.Json.Nodes;
using OpsFlow.Teams.Commands;
using OpsFlow.Teams.Protocol;

namespace OpsFlow.Teams.Tests.Commands;

public sealed class CommandParserTests
{
    private static Activity Say(string text, string? mentionText = null, string mentionedId = "bot") => new()
    {
        Type = ActivityTypes.Message,
        Text = text,
        Recipient = new ChannelAccount { Id = "bot", Name = "OpsFlow" },
        Entities = mentionText is null
            ? null
            : [new JsonObject { ["type"] = "mention", ["text"] = mentionText, ["mentioned"] = new JsonObject { ["id"] = mentionedId, ["name"] = "OpsFlow" } }],
    };

    [Fact]
    public void Parse_MentionOfTheBot_IsStrippedBeforeTheCommand()
    {
        var command = CommandParser.Parse(Say("<at>OpsFlow</at> deploy web-app v1.2 prod", "<at>OpsFlow</at>"));

        Assert.NotNull(command);
        Assert.Equal("deploy", command.Name);
        Assert.Equal(["web-app", "v1.2", "prod"], command.Arguments);
    }

    [Fact]
    public void Parse_MentionEntityOfTheBotWithAnotherName_IsStrippedByItsEntity()
    {
        var command = CommandParser.Parse(Say("<at>Ops Bot</at> /runs", "<at>Ops Bot</at>"));

        Assert.Equal("runs", command?.Name);
        Assert.Empty(command!.Arguments);
    }

    [Fact]
    public void Parse_MentionOfSomeoneElse_KeepsTheirNameAsText()
    {
        var command = CommandParser.Parse(Say("<at>OpsFlow</at> /reject run-1 ask <at>Bob</at>", "<at>OpsFlow</at>"));

        Assert.Equal("reject", command?.Name);
        Assert.Equal(["run-1", "ask", "Bob"], command!.Arguments);
    }

    [Theory]
    [InlineData("/runs failed")]
    [InlineData("runs failed")]
    [InlineData("  /RUNS failed  ")]
    [InlineData("/ runs failed")]
    [InlineData("<p>/runs&nbsp;failed</p>")]
    [InlineData("/runs\u00A0failed")]
    public void Parse_SlashCaseSpaceAndHtml_DoNotChangeTheCommand(string text)
    {
        var command = CommandParser.Parse(Say(text));

        Assert.Equal("runs", command?.Name);
        Assert.Equal(["failed"], command!.Arguments);
    }

    [Fact]
    public void Parse_QuotesAndNamedValues_KeepSpacesAndNames()
    {
        var command = CommandParser.Parse(Say("/schedule backup \u201C0 6 * * *\u201D tz=Europe/Berlin note=\"disk &amp; db\""));

        Assert.Equal("schedule", command?.Name);
        Assert.Equal(["backup", "0 6 * * *", "tz=Europe/Berlin", "note=disk & db"], command!.Arguments);
    }

    [Theory]
    [InlineData("<at>OpsFlow</at>")]
    [InlineData("   ")]
    [InlineData("/")]
    public void Parse_NothingButTheMention_IsNoCommand(string text) =>
        Assert.Null(CommandParser.Parse(Say(text, "<at>OpsFlow</at>")));

    [Fact]
    public void Rest_JoinsTheWordsFromAnIndex_AsAReason()
    {
        var command = CommandParser.Parse(Say("/cancel run-1 wrong version \"of the app\""))!;

        Assert.Equal("wrong version of the app", command.Rest(1));
        Assert.Null(command.Rest(5));
    }
}
