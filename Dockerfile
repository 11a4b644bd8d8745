# DrsBot: build with the SDK, run on the ASP.NET Core runtime image as a non-root user, listening on 8080.
# No secret is baked in: Slack and Huawei Cloud credentials come from the environment (a Kubernetes Secret).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# Restore first, from the project files alone, so the layer is reused until a dependency changes.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/DrsBot/DrsBot.csproj src/DrsBot/
RUN dotnet restore src/DrsBot/DrsBot.csproj

COPY src/DrsBot/ src/DrsBot/
# .ci/run runs this same publish command, so CI proves it builds even where no container engine runs.
RUN dotnet publish src/DrsBot/DrsBot.csproj -c Release --no-restore -p:UseAppHost=false -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./

# Production: no simulator, no console, settings validated at start-up. The image's own ASPNETCORE_HTTP_PORTS=8080.
ENV ASPNETCORE_ENVIRONMENT=Production \
    ASPNETCORE_HTTP_PORTS=8080 \
    DOTNET_NOLOGO=1 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
EXPOSE 8080

# The numeric uid of the image's unprivileged "app" user, so Kubernetes' runAsNonRoot can verify it.
USER $APP_UID
ENTRYPOINT ["dotnet", "DrsBot.dll"]
