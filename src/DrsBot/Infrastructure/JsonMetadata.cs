using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace DrsBot.Infrastructure;

public static class JsonMetadata
{
    /// <summary>
    /// The metadata of <typeparamref name="T"/> under these options, from their source-generated resolver. Every JSON
    /// call in DrsBot goes through one (never the overloads that take options and fall back to reflection), and the
    /// trim analyzer fails the build on any that does not.
    /// </summary>
    public static JsonTypeInfo<T> TypeInfo<T>(this JsonSerializerOptions options) => (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
}
