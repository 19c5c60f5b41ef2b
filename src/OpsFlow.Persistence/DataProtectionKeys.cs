using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OpsFlow.Persistence;

public static class DataProtectionKeys
{
    /// <summary>
    /// Keeps ASP.NET Core's data-protection keys in the OpsFlow database instead of the host's home folder: behind a
    /// load balancer without sticky sessions, a sign-in cookie one host wrote must be readable by every other, and a
    /// host rebuilt from an image must not sign everybody out.
    /// </summary>
    public static IDataProtectionBuilder PersistKeysToOpsFlowDatabase(this IDataProtectionBuilder builder)
    {
        // The key repository asks a scope for the context; the stores use the pooled factory, so lease one from it.
        builder.Services.TryAddScoped(sp => sp.GetRequiredService<IDbContextFactory<OpsFlowDbContext>>().CreateDbContext());
        return builder.PersistKeysToDbContext<OpsFlowDbContext>();
    }
}
