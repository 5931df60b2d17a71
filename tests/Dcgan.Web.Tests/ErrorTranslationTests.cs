using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dcgan.Web.Tests;

/// <summary>The studio's error middleware on its own: what a failing request is answered with.</summary>
public class ErrorTranslationTests
{
    [Fact]
    public async Task A_request_that_fails_while_the_studio_shuts_down_gets_a_bare_503_not_a_second_exception()
    {
        var services = new ServiceCollection().AddLogging().BuildServiceProvider();
        services.Dispose(); // what the host has done by the time a late request fails
        var context = new DefaultHttpContext { RequestServices = services };
        await StudioServer.TranslateErrors(context, () => throw new ObjectDisposedException("ModelRegistry"));
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
    }

    [Fact]
    public async Task A_fault_of_the_server_is_logged_and_answered_500_with_its_trace_id()
    {
        var logged = new List<string>();
        using var services = new ServiceCollection().AddLogging(b => b.AddProvider(new ListLogger(logged))).BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = new MemoryStream();
        await StudioServer.TranslateErrors(context, () => throw new InvalidOperationException("boom"));
        Assert.Equal(StatusCodes.Status500InternalServerError, context.Response.StatusCode);
        Assert.Contains(logged, line => line.Contains("Unexpected error") && line.Contains(context.TraceIdentifier));
        string body = System.Text.Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());
        Assert.Contains("InvalidOperationException", body);
    }

    private sealed class ListLogger(List<string> lines) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;
        public void Dispose() { }
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (lines) lines.Add(formatter(state, exception));
        }
    }
}
