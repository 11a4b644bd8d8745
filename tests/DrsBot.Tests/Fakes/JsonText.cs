using System.Text;
using System.Text.Json;

namespace DrsBot.Tests.Fakes;

public static class JsonText
{
    /// <summary>Every string value in a JSON document, one per line: what a reader could see.</summary>
    public static string Strings(JsonElement element)
    {
        var builder = new StringBuilder();
        Collect(element, builder);
        return builder.ToString();
    }

    private static void Collect(JsonElement element, StringBuilder builder)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                builder.AppendLine(element.GetString());
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Collect(property.Value, builder);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item, builder);
                }

                break;
        }
    }
}
