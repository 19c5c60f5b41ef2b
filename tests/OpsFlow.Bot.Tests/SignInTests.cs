using System.Net;
using Microsoft.AspNetCore.Hosting;

namespace OpsFlow.Bot.Tests;

/// <summary>A host with Entra ID sign-in configured (the authority is never reached: nothing here signs in).</summary>
public sealed class SignInFactory : OpsFlowFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("OpsFlow:Auth:Authority", "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0");
        builder.UseSetting("OpsFlow:Auth:ClientId", "11111111-1111-1111-1111-111111111111");
    }
}

/// <summary>With sign-in on, the development header means nothing: the API wants a session.</summary>
public sealed class SignInTests(SignInFactory factory) : IClassFixture<SignInFactory>
{
    private readonly ApiClient _api = new(factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));

    [Theory]
    [InlineData("/api/me")]
    [InlineData("/api/runs")]
    public async Task Api_WithOnlyTheDevelopmentHeader_Answers401(string path)
    {
        var (status, _) = await _api.GetAsync(path, "ada");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task ForgedAdminHeader_CannotCancelARun()
    {
        var (status, _) = await _api.PostAsync("/api/runs/anything/cancel", "ada", new { reason = "forged" });

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }
}
