using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace DrsBot.Demo;

/// <summary>A scenario the console's sidebar offers: a comparison id the simulator serves, and what it does.</summary>
public sealed record Scenario(string Id, string Story);

/// <summary>DRS's error body, as the simulator answers a refusal.</summary>
public sealed record SimulatedError([property: JsonPropertyName("error_code")] string Code, [property: JsonPropertyName("error_msg")] string Message);

/// <summary>
/// The console's and the simulator's JSON, source-generated like the rest of DrsBot's. The console endpoints' bodies
/// are bound through it too (it heads the minimal APIs' resolvers, see <see cref="DemoExtensions.AddDemo"/>).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ConsoleEndpoints.CommandRequest))]
[JsonSerializable(typeof(ConsoleEndpoints.ButtonRequest))]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(IReadOnlyList<ConsoleEntry>))]
[JsonSerializable(typeof(IReadOnlyList<Scenario>))]
[JsonSerializable(typeof(SimulatedError))]
internal sealed partial class DemoJson : JsonSerializerContext;
