using System.Text;
using DrsBot.Drs.Auth;

namespace DrsBot.Tests.Drs;

public sealed class AkSkSignerTests
{
    // The signing guide's worked example, from shared/reference/huawei-cloud-drs.md.
    private static readonly KeyValuePair<string, string>[] ExampleHeaders =
    [
        new("Content-Type", "application/json"),
        new("Host", "service.region.example.com"),
        new("X-Sdk-Date", "20191115T033655Z"),
    ];

    private static string ExampleCanonical() => AkSkSigner.CanonicalRequest(
        "GET", "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs",
        "?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0", ExampleHeaders, []);

    [Fact]
    public void Reproduces_the_signing_guides_canonical_request_hash()
    {
        var stringToSign = AkSkSigner.StringToSign(ExampleCanonical(), "20191115T033655Z");
        Assert.Equal(
            "SDK-HMAC-SHA256\n20191115T033655Z\nb25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a",
            stringToSign);
    }

    [Fact]
    public void Reproduces_the_signing_guides_signature()
    {
        var signature = AkSkSigner.Signature(
            AkSkSigner.StringToSign(ExampleCanonical(), "20191115T033655Z"), "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc");
        Assert.Equal("7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe", signature);
        Assert.Equal(
            "SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe",
            AkSkSigner.AuthorizationHeader("QTWAOYTTINDUT2QVKYUC", ["X-Sdk-Date", "host", "content-type"], signature));
    }

    [Fact]
    public void Canonical_request_has_the_documented_shape()
    {
        Assert.Equal(
            "GET\n/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/\nlimit=2&marker=13551d6b-755d-4757-b956-536f674975c0\n" +
            "content-type:application/json\nhost:service.region.example.com\nx-sdk-date:20191115T033655Z\n\n" +
            "content-type;host;x-sdk-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ExampleCanonical());
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("?", "")]
    [InlineData("?b=2&a=1", "a=1&b=2")]
    [InlineData("?a=2&a=1", "a=1&a=2")]
    [InlineData("?name=a+b", "name=a%20b")]
    [InlineData("?name=a%20b", "name=a%20b")]
    [InlineData("?q=x/y:z*", "q=x%2Fy%3Az%2A")]
    [InlineData("?flag", "flag=")]
    [InlineData("?t=~._-", "t=~._-")]
    [InlineData("?k=%E4%B8%AD", "k=%E4%B8%AD")]
    [InlineData("?type=compare&compare_type=data_compare&query_type=list", "compare_type=data_compare&query_type=list&type=compare")]
    public void Query_strings_are_sorted_and_rfc3986_encoded(string query, string canonical) =>
        Assert.Equal(canonical, AkSkSigner.CanonicalQuery(query));

    [Theory]
    [InlineData("/", "/")]
    [InlineData("/v5/p/jobs/j", "/v5/p/jobs/j/")]
    [InlineData("/v5/p/jobs/j/", "/v5/p/jobs/j/")]
    [InlineData("/a%20b/c", "/a%20b/c/")]
    [InlineData("/a b/c", "/a%20b/c/")]
    [InlineData("/x%2ay", "/x%2Ay/")]
    [InlineData("/caf%C3%A9", "/caf%C3%A9/")]
    public void Paths_are_encoded_segment_by_segment_and_end_in_a_slash(string path, string canonical) =>
        Assert.Equal(canonical, AkSkSigner.CanonicalUri(path));

    [Fact]
    public void The_body_is_hashed_into_the_canonical_request()
    {
        var withBody = AkSkSigner.CanonicalRequest("POST", "/x", "", ExampleHeaders, Encoding.UTF8.GetBytes("{}"));
        Assert.EndsWith("44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", withBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Dates_use_the_compact_utc_format() =>
        Assert.Equal("20191115T033655Z", AkSkSigner.FormatDate(new DateTimeOffset(2019, 11, 15, 11, 36, 55, TimeSpan.FromHours(8))));
}
