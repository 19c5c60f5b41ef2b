using OpsFlow.Teams.Protocol;

namespace OpsFlow.Teams.Inbound;

/// <summary>
/// Who the bot serves, checked on every authenticated activity before anything is stored or handled: the channel
/// (Teams by default), the tenant (<see cref="TeamsOptions.ServedTenants"/>) and the serviceUrl
/// (<see cref="ServiceUrlPolicy"/>). A token proves the Bot Framework sent the activity, not that it comes from
/// Teams, from this organisation or asks for answers at a safe address.
/// </summary>
public sealed class ActivityGate(TeamsOptions options, ServiceUrlPolicy serviceUrls)
{
    /// <summary>Null when the activity may come in; otherwise the reason, for the log and the 403.</summary>
    public string? Refusal(Activity activity)
    {
        var channels = options.ServedChannels;
        if (!channels.Contains(activity.ChannelId ?? "", StringComparer.OrdinalIgnoreCase))
        {
            return $"channel '{activity.ChannelId}' is not served (OpsFlow:Teams:Channels: {string.Join(", ", channels)})";
        }

        var tenants = options.ServedTenants;
        if (tenants.Count > 0)
        {
            var tenant = TenantOf(activity);
            if (tenant is null || !tenants.Contains(tenant, StringComparer.OrdinalIgnoreCase))
            {
                return $"tenant '{tenant ?? "(none)"}' is not served (OpsFlow:Teams:Tenants)";
            }
        }

        return serviceUrls.Refusal(activity.ServiceUrl);
    }

    /// <summary>The tenant Teams names: conversation.tenantId, or channelData.tenant.id.</summary>
    public static string? TenantOf(Activity activity)
    {
        if (!string.IsNullOrWhiteSpace(activity.Conversation?.TenantId))
        {
            return activity.Conversation.TenantId;
        }

        return activity.ChannelData is { ValueKind: System.Text.Json.JsonValueKind.Object } data
            && data.TryGetProperty("tenant", out var tenant) && tenant.ValueKind == System.Text.Json.JsonValueKind.Object
            && tenant.TryGetProperty("id", out var id) && id.ValueKind == System.Text.Json.JsonValueKind.String
            ? id.GetString()
            : null;
    }
}
