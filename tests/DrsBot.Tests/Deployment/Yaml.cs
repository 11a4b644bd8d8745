using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace DrsBot.Tests.Deployment;

/// <summary>YAML documents as plain dictionaries and lists, with a path helper: <c>doc.At("spec", "template")</c>.</summary>
public static class Yaml
{
    private static readonly IDeserializer Reader = new DeserializerBuilder().Build();

    public static IReadOnlyList<Dictionary<object, object>> Documents(string text)
    {
        var parser = new YamlDotNet.Core.Parser(new StringReader(text));
        parser.Consume<YamlDotNet.Core.Events.StreamStart>();
        var documents = new List<Dictionary<object, object>>();
        while (parser.Accept<YamlDotNet.Core.Events.DocumentStart>(out _))
        {
            if (Reader.Deserialize<object>(parser) is Dictionary<object, object> document)
            {
                documents.Add(document);
            }
        }

        return documents;
    }

    public static object? At(this object? node, params object[] path)
    {
        foreach (var step in path)
        {
            node = (node, step) switch
            {
                (Dictionary<object, object> map, string key) => map.GetValueOrDefault(key),
                (List<object> list, int index) => index < list.Count ? list[index] : null,
                _ => null,
            };
        }

        return node;
    }

    public static string? Text(this object? node, params object[] path) => node.At(path)?.ToString();

    public static IEnumerable<object> Items(this object? node, params object[] path) => node.At(path) as List<object> ?? [];
}
