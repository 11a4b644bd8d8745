using DrsBot.Drs;
using Microsoft.Extensions.Options;

namespace DrsBot.Tests.Drs;

public sealed class DrsProfileSetTests
{
    /// <summary>
    /// A named profile's requests are written after its own address, always: an address with a query or fragment once
    /// left its requests relative, and HttpClient then sent them, with that profile's credentials, to the default
    /// profile's host. The query and fragment are dropped, as combining a path with a base address drops them.
    /// </summary>
    [Theory]
    [InlineData("https://drs.b.example/", "https://drs.b.example/")]
    [InlineData("https://drs.b.example/api", "https://drs.b.example/api/")]
    [InlineData("https://drs.b.example/api/?tenant=1", "https://drs.b.example/api/")]
    [InlineData("https://drs.b.example/api#top", "https://drs.b.example/api/")]
    public void A_named_profiles_requests_go_to_its_own_address(string endpoint, string written)
    {
        var profiles = new DrsProfileSet(Options.Create(new DrsOptions
        {
            Endpoint = new Uri("https://drs.default.example/"),
            ProjectId = "p",
            Profiles = { ["b"] = new DrsProfileOptions { Endpoint = new Uri(endpoint), ProjectId = "q" } },
        }));

        Assert.Equal(written, profiles.Find("b")!.BaseAddress);
    }
}
