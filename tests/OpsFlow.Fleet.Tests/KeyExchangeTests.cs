using OpsFlow.Fleet;

namespace OpsFlow.Fleet.Tests;

/// <summary>OpsFlow:Fleet:KeyExchange: which key exchanges are offered, in which order.</summary>
public sealed class KeyExchangeTests
{
    [Fact]
    public void Prefer_KeepsOnlyTheNamedAlgorithms_InTheNamedOrder_AndNothingChangesWithoutAList()
    {
        var offered = new Dictionary<string, int> { ["a"] = 1, ["b"] = 2, ["c"] = 3, ["d"] = 4 };
        var untouched = new Dictionary<string, int>(offered);

        SshFleet.Prefer(offered, ["c", "x", "a"]);
        SshFleet.Prefer(untouched, []);

        Assert.Equal([("c", 3), ("a", 1)], offered.Select(kv => (kv.Key, kv.Value)));
        Assert.Equal(["a", "b", "c", "d"], untouched.Keys);
    }

    [Fact]
    public void Validate_AnAlgorithmSshNetDoesNotOffer_FailsTheStartNamingWhatItOffers()
    {
        var result = new FleetOptionsValidator().Validate(null, new FleetOptions { KeyExchange = ["curve25519-sha256", "diffie-hellman-group-exchange-sha512"] });

        Assert.True(result.Failed);
        Assert.Contains("KeyExchange names diffie-hellman-group-exchange-sha512, which SSH.NET does not offer; it offers:", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("curve25519-sha256", result.FailureMessage, StringComparison.Ordinal);
    }
}
