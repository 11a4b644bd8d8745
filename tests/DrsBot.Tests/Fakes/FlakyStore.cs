using System.Reflection;
using DrsBot.Watching;
using Microsoft.Extensions.DependencyInjection;

namespace DrsBot.Tests.Fakes;

/// <summary>
/// The app's own <see cref="IWatchStore"/>, with chosen calls failing as a database blip would
/// (<see cref="WatchStoreUnavailableException"/>): <c>FailNext("ReleaseAsync", 2)</c>.
/// </summary>
public class FlakyStore : DispatchProxy
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _failures = new();
    private IWatchStore _inner = null!;

    public System.Collections.Concurrent.ConcurrentQueue<string> Calls { get; } = new();

    public void FailNext(string method, int times = 1) => _failures[method] = times;

    /// <summary>Fails each call this says yes to (by method name), as a database blip at just that moment would.</summary>
    public Func<string, bool>? FailWhen { get; set; }

    /// <summary>Wraps the store the app registers; the returned handle sets failures.</summary>
    public static FlakyStore Wrap(IServiceCollection services)
    {
        var original = services.Last(d => d.ServiceType == typeof(IWatchStore));
        var proxy = Create<IWatchStore, FlakyStore>();
        var flaky = (FlakyStore)(object)proxy;
        services.Remove(original);
        services.AddSingleton<IWatchStore>(sp =>
        {
            flaky._inner = (IWatchStore)original.ImplementationFactory!(sp);
            return proxy;
        });
        return flaky;
    }

    protected override object? Invoke(MethodInfo? method, object?[]? args)
    {
        Calls.Enqueue(method!.Name);
        if ((_failures.TryGetValue(method.Name, out var left) && left > 0 && _failures.TryUpdate(method.Name, left - 1, left))
            || FailWhen?.Invoke(method.Name) == true)
        {
            var failure = new WatchStoreUnavailableException("PostgreSQL did not answer: 53300: sorry, too many clients already");
            return method.ReturnType == typeof(Task) ? Task.FromException(failure)
                : typeof(Task).GetMethod(nameof(Task.FromException), 1, [typeof(Exception)])!
                    .MakeGenericMethod(method.ReturnType.GetGenericArguments()[0]).Invoke(null, [failure]);
        }

        try
        {
            return method.Invoke(_inner, args);
        }
        catch (TargetInvocationException e)
        {
            throw e.InnerException!;
        }
    }
}
