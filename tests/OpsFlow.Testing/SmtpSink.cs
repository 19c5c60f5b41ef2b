using System.Buffers;
using System.Net.Sockets;
using System.Threading.Channels;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace OpsFlow.Testing;

/// <summary>
/// A real SMTP server on a free loopback port (the SmtpServer package) that keeps every message it is sent, so a test
/// reads the mail OpsFlow sent over the wire with MailKit, as a mail relay would receive it.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly Channel<MimeMessage> _received = Channel.CreateUnbounded<MimeMessage>();
    private readonly CancellationTokenSource _stop = new();
    private Task _serving = Task.CompletedTask;

    public int Port { get; } = HostProcess.FreePort();

    public static async Task<SmtpSink> StartAsync()
    {
        var sink = new SmtpSink();
        var options = new SmtpServerOptionsBuilder().ServerName("localhost").Endpoint(e => e.Endpoint(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, sink.Port))).Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(sink._received.Writer));
        sink._serving = new SmtpServer.SmtpServer(options, services).StartAsync(sink._stop.Token);
        // Listening once a connection is taken (the server's start completes only when it stops).
        await Wait.UntilAsync(() => Task.FromResult(sink.Accepts()), $"the test SMTP server to listen on port {sink.Port}");
        return sink;
    }

    /// <summary>The next message received, waiting for it.</summary>
    public async Task<MimeMessage> NextAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            return await _received.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"No mail reached the test SMTP server on port {Port} within {within}.");
        }
    }

    private bool Accepts()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(System.Net.IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _serving;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private sealed class Store(ChannelWriter<MimeMessage> received) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            received.TryWrite(await MimeMessage.LoadAsync(stream, cancellationToken));
            return SmtpResponse.Ok;
        }
    }
}
