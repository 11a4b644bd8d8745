using System.Diagnostics;
using System.Reflection;
using DrsBot.Drs;
using DrsBot.Infrastructure;
using DrsBot.Slack;
using DrsBot.Storage;
using DrsBot.Tests.Fakes;
using DrsBot.Watching;

namespace DrsBot.Tests.Deployment;

/// <summary>The shipped Kubernetes manifests keep the promises a reviewer would check by hand.</summary>
public sealed class KubernetesManifestTests
{
    private static readonly string Root = Repository.Path("manifests", "kubernetes");

    private static IEnumerable<(string File, Dictionary<object, object> Doc)> All() =>
        Directory.GetFiles(Repository.Path("manifests"), "*.yaml", SearchOption.AllDirectories)
            .SelectMany(f => Yaml.Documents(File.ReadAllText(f)).Select(d => (f, d)));

    private static Dictionary<object, object> Doc(params string[] path) =>
        Assert.Single(Yaml.Documents(File.ReadAllText(Path.Combine([Root, .. path]))));

    private static object Container(Dictionary<object, object> deployment) =>
        Assert.Single(deployment.Items("spec", "template", "spec", "containers"));

    [Fact]
    public void Every_yaml_file_parses_and_names_its_kind()
    {
        var docs = All().ToList();
        Assert.True(docs.Count >= 8, $"only {docs.Count} documents");
        Assert.All(docs, d => Assert.False(string.IsNullOrEmpty(d.Doc.Text("kind")), $"{d.File} has no kind"));
    }

    [Fact]
    public void Probes_point_at_liveness_and_readiness_on_the_port_the_image_listens_on()
    {
        var container = Container(Doc("base", "deployment.yaml"));
        Assert.Equal("/healthz", container.Text("livenessProbe", "httpGet", "path"));
        Assert.Equal("/readyz", container.Text("readinessProbe", "httpGet", "path"));
        Assert.Equal("8080", container.Text("ports", 0, "containerPort"));
        var dockerfile = File.ReadAllText(Repository.Path("Dockerfile"));
        Assert.Contains("EXPOSE 8080", dockerfile, StringComparison.Ordinal);
        Assert.Contains("ASPNETCORE_HTTP_PORTS=8080", dockerfile, StringComparison.Ordinal);
    }

    [Fact]
    public void The_pod_runs_as_non_root_on_a_read_only_root_with_nothing_extra()
    {
        var deployment = Doc("base", "deployment.yaml");
        var pod = deployment.At("spec", "template", "spec");
        var container = Container(deployment);
        Assert.Equal("true", pod.Text("securityContext", "runAsNonRoot"), ignoreCase: true);
        Assert.NotEqual("0", pod.Text("securityContext", "runAsUser"));
        Assert.Equal("true", container.Text("securityContext", "readOnlyRootFilesystem"), ignoreCase: true);
        Assert.Equal("false", container.Text("securityContext", "allowPrivilegeEscalation"), ignoreCase: true);
        Assert.Equal(["ALL"], container.Items("securityContext", "capabilities", "drop").Select(c => c.ToString()));
        var tmp = Assert.Single(container.Items("volumeMounts"), m => m.Text("mountPath") == "/tmp");
        Assert.Contains(pod.Items("volumes"), v => v.Text("name") == tmp.Text("name") && v.At("emptyDir") is not null);
        foreach (var kind in new[] { "requests", "limits" })
        {
            Assert.NotNull(container.Text("resources", kind, "cpu"));
            Assert.NotNull(container.Text("resources", kind, "memory"));
        }
    }

    [Fact]
    public void Kubernetes_waits_longer_than_the_apps_own_shutdown_drain()
    {
        var grace = int.Parse(Doc("base", "deployment.yaml").Text("spec", "template", "spec", "terminationGracePeriodSeconds")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(TimeSpan.FromSeconds(grace) > ServiceDefaults.ShutdownTimeout + TimeSpan.FromSeconds(5), $"grace {grace} s vs drain {ServiceDefaults.ShutdownTimeout}");
    }

    [Fact]
    public void In_memory_base_runs_one_replica_and_the_postgresql_overlay_two_with_a_disruption_budget()
    {
        var baseDeployment = Doc("base", "deployment.yaml");
        Assert.Equal("1", baseDeployment.Text("spec", "replicas"));
        Assert.Equal("Recreate", baseDeployment.Text("spec", "strategy", "type"));
        Assert.Equal("InMemory", Doc("base", "configmap.yaml").Text("data", "Hangfire__Storage"));

        var overlay = Doc("overlays", "postgresql", "deployment.yaml");
        Assert.Equal("2", overlay.Text("spec", "replicas"));
        var connection = Assert.Single(Container(overlay).Items("env"), e => e.Text("name") == "ConnectionStrings__Hangfire");
        Assert.NotNull(connection.Text("valueFrom", "secretKeyRef", "name"));
        Assert.Null(connection.Text("value"));
        Assert.Contains("value: PostgreSql", File.ReadAllText(Path.Combine(Root, "overlays", "postgresql", "kustomization.yaml")), StringComparison.Ordinal);
        Assert.Contains("path: /data/Hangfire__Storage", File.ReadAllText(Path.Combine(Root, "overlays", "postgresql", "kustomization.yaml")), StringComparison.Ordinal);
        var budget = Doc("overlays", "postgresql", "poddisruptionbudget.yaml");
        Assert.Equal("PodDisruptionBudget", budget.Text("kind"));
        Assert.Equal("1", budget.Text("spec", "minAvailable"));
    }

    [Fact]
    public void No_secret_value_is_committed()
    {
        foreach (var (file, doc) in All())
        {
            if (doc.Text("kind") == "Secret")
            {
                foreach (var field in new[] { "data", "stringData" })
                {
                    var values = doc.At(field) as Dictionary<object, object> ?? [];
                    Assert.All(values, kv => Assert.True(string.IsNullOrEmpty(kv.Value?.ToString()), $"{file}: {kv.Key} has a value"));
                }
            }

            foreach (var env in Containers(doc).SelectMany(c => c.Items("env")))
            {
                var name = env.Text("name")!;
                Assert.False(IsSecretName(name) && env.Text("value") is not null, $"{file}: {name} is set in clear; use a secretKeyRef");
            }

            if (doc.Text("kind") == "ConfigMap")
            {
                var data = doc.At("data") as Dictionary<object, object> ?? [];
                Assert.DoesNotContain(data.Keys, k => IsSecretName(k.ToString()!));
            }
        }
    }

    [Fact]
    public void Every_setting_the_manifests_pass_is_an_option_the_app_reads()
    {
        var known = KnownKeys();
        var names = new List<(string File, string Name)>();
        foreach (var (file, doc) in All())
        {
            if (doc.Text("kind") is "ConfigMap" or "Secret")
            {
                names.AddRange(new[] { "data", "stringData" }.SelectMany(f => (doc.At(f) as Dictionary<object, object> ?? []).Keys).Select(k => (file, k.ToString()!)));
            }

            names.AddRange(Containers(doc).SelectMany(c => c.Items("env")).Select(e => (file, e.Text("name")!)));
        }

        // The commented-out example in the ConfigMap counts too: uncommenting it must work.
        names.Add(("configmap.yaml", "Slack__AllowedTeamIds__0"));
        Assert.NotEmpty(names);
        Assert.All(names, n => Assert.True(known.Contains(ToKey(n.Name)), $"{Path.GetFileName(n.File)}: {n.Name} is not an option DrsBot binds"));
    }

    [Fact]
    public void Kustomize_renders_both_the_base_and_the_postgresql_overlay()
    {
        if (!File.Exists("/usr/bin/kubectl") && !File.Exists("/usr/local/bin/kubectl"))
        {
            return; // the file-level checks above still ran; kubectl only adds the rendering
        }

        foreach (var target in new[] { "base", Path.Combine("overlays", "postgresql") })
        {
            var rendered = Rendered(target);
            var deployment = Assert.Single(rendered, d => d.Text("kind") == "Deployment");
            Assert.Equal(target == "base" ? "1" : "2", deployment.Text("spec", "replicas"));
            Assert.Equal(target == "base" ? "InMemory" : "PostgreSql", Assert.Single(rendered, d => d.Text("kind") == "ConfigMap").Text("data", "Hangfire__Storage"));
            Assert.Equal("/readyz", Container(deployment).Text("readinessProbe", "httpGet", "path"));
        }
    }

    private static IReadOnlyList<Dictionary<object, object>> Rendered(string target)
    {
        var start = new ProcessStartInfo("kubectl", ["kustomize", Path.Combine(Root, target)]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, error);
        return Yaml.Documents(output);
    }

    /// <summary>Issue 29, defect 11: only Slack's two paths are published, and only by the ingress controller.</summary>
    [Fact]
    public void The_ingress_routes_only_slacks_paths_and_the_network_policy_admits_only_the_ingress_controller()
    {
        var rendered = Rendered("base");
        var ingress = Assert.Single(rendered, d => d.Text("kind") == "Ingress");
        var paths = ingress.Items("spec", "rules").SelectMany(r => r.Items("http", "paths")).ToList();
        Assert.Equal(["/slack/commands", "/slack/events", "/slack/interactions"], paths.Select(p => p.Text("path")).Order());
        Assert.All(paths, p => Assert.Equal("Exact", p.Text("pathType")));
        Assert.NotEmpty(ingress.Items("spec", "tls"));

        var policy = Assert.Single(rendered, d => d.Text("kind") == "NetworkPolicy");
        Assert.Equal(["Ingress", "Egress"], policy.Items("spec", "policyTypes").Select(t => t.ToString()));
        var admitted = Assert.Single(policy.Items("spec", "ingress"));
        Assert.Equal(["8080"], admitted.Items("ports").Select(p => p.Text("port")));
        Assert.All(admitted.Items("from"), f => Assert.NotNull(f.At("namespaceSelector")));
        var egressPorts = policy.Items("spec", "egress").SelectMany(e => e.Items("ports")).Select(p => p.Text("port")).ToHashSet();
        Assert.Equal(["443", "53"], egressPorts.Order());

        // Socket Mode: nothing published, nothing admitted; out only to DNS and HTTPS (Slack's wss:// is HTTPS's port).
        var socketMode = Rendered(Path.Combine("overlays", "socket-mode"));
        Assert.DoesNotContain(socketMode, d => d.Text("kind") == "Ingress");
        var socketPolicy = Assert.Single(socketMode, d => d.Text("kind") == "NetworkPolicy");
        Assert.Empty(socketPolicy.Items("spec", "ingress"));
        Assert.Contains("Ingress", socketPolicy.Items("spec", "policyTypes").Select(t => t.ToString()));
        Assert.Equal(["443", "53"], socketPolicy.Items("spec", "egress").SelectMany(e => e.Items("ports")).Select(p => p.Text("port")).ToHashSet().Order());
        Assert.Equal("Socket", Assert.Single(socketMode, d => d.Text("kind") == "ConfigMap").Text("data", "Slack__Mode"));

        var pgPolicy = Assert.Single(Rendered(Path.Combine("overlays", "postgresql")), d => d.Text("kind") == "NetworkPolicy");
        Assert.Contains("5432", pgPolicy.Items("spec", "egress").SelectMany(e => e.Items("ports")).Select(p => p.Text("port")));
    }

    [Fact]
    public void Two_replicas_spread_across_nodes_and_the_image_is_a_tag_the_build_sets_never_latest()
    {
        var deployment = Assert.Single(Rendered(Path.Combine("overlays", "postgresql")), d => d.Text("kind") == "Deployment");
        var spread = Assert.Single(deployment.Items("spec", "template", "spec", "topologySpreadConstraints"));
        Assert.Equal("kubernetes.io/hostname", spread.Text("topologyKey"));
        Assert.Equal("drsbot", spread.Text("labelSelector", "matchLabels", "app.kubernetes.io/name"));

        var image = Container(deployment).Text("image")!;
        Assert.Matches(@"^[^:]+:[0-9A-Za-z][0-9A-Za-z._-]*$", image);
        Assert.False(image.EndsWith(":latest", StringComparison.Ordinal), image);
        Assert.Contains("kustomize edit set image drsbot=", File.ReadAllText(Repository.Path("docs", "operations.md")), StringComparison.Ordinal);
    }

    private static IEnumerable<object> Containers(Dictionary<object, object> doc) => doc.Items("spec", "template", "spec", "containers");

    private static bool IsSecretName(string name) =>
        new[] { "Secret", "Password", "Token", "AccessKey", "ConnectionStrings" }.Any(s => name.Contains(s, StringComparison.OrdinalIgnoreCase))
        && !name.EndsWith("__Mode", StringComparison.Ordinal);

    /// <summary><c>Drs__Auth__Mode</c> → <c>Drs:Auth:Mode</c>; an array index at the end is dropped.</summary>
    private static string ToKey(string name)
    {
        var parts = name.Split("__");
        return string.Join(":", parts.Last().All(char.IsAsciiDigit) ? parts[..^1] : parts);
    }

    private static HashSet<string> KnownKeys()
    {
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "ConnectionStrings:Hangfire" };
        foreach (var (section, type) in new (string, Type)[]
                 {
                     (SlackOptions.Section, typeof(SlackOptions)), (DrsOptions.Section, typeof(DrsOptions)), ("Drs:Auth", typeof(DrsAuthOptions)),
                     (WatchOptions.Section, typeof(WatchOptions)), (StorageOptions.Section, typeof(StorageOptions)), (DashboardSettings.Section, typeof(DashboardSettings)),
                 })
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true }))
            {
                keys.Add($"{section}:{property.Name}");
            }
        }

        return keys;
    }
}
