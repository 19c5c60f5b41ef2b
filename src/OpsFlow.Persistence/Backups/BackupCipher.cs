using System.Buffers.Binary;
using System.Security.Cryptography;

namespace OpsFlow.Persistence.Backups;

/// <summary>
/// Encrypts a backup file with AES-256-GCM in 1 MiB chunks, so a database of any size streams through in bounded
/// memory and a damaged or altered chunk is found when it is read. Layout: the magic "OPSFLOW-BACKUP-1", an 8-byte
/// random file id, then chunks of [4-byte length][ciphertext][16-byte tag]. Each chunk's nonce is the file id and its
/// index; its associated data says whether it is the last, so a file cut after a chunk does not decrypt. The key is
/// 32 bytes given base64 in a secret (OpsFlow:Secrets), never in the file.
/// </summary>
public static class BackupCipher
{
    private const int ChunkSize = 1024 * 1024;
    private const int TagSize = 16;
    private static readonly byte[] Magic = "OPSFLOW-BACKUP-1"u8.ToArray();

    /// <summary>True when <paramref name="file"/> starts as an encrypted backup does.</summary>
    public static bool IsEncrypted(string file)
    {
        using var stream = File.OpenRead(file);
        var head = new byte[Magic.Length];
        return stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) == head.Length && head.AsSpan().SequenceEqual(Magic);
    }

    /// <summary>The key from its base64 text; a clear error for anything but 32 bytes.</summary>
    public static byte[] Key(string base64, string secretName)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            throw new BackupException($"the secret '{secretName}' is not base64; make a key with `openssl rand -base64 32`");
        }

        return key.Length == 32 ? key : throw new BackupException($"the secret '{secretName}' holds {key.Length} bytes; the backup key must be 32 (`openssl rand -base64 32`)");
    }

    public static async Task EncryptAsync(string plain, string encrypted, byte[] key, CancellationToken cancellationToken)
    {
        using var aes = new AesGcm(key, TagSize);
        await using var input = File.OpenRead(plain);
        await using var output = new FileStream(encrypted, OwnerOnlyNew());
        var fileId = RandomNumberGenerator.GetBytes(8);
        await output.WriteAsync(Magic, cancellationToken);
        await output.WriteAsync(fileId, cancellationToken);
        var buffer = new byte[ChunkSize];
        var next = new byte[ChunkSize];
        var length = await input.ReadAtLeastAsync(buffer, ChunkSize, throwOnEndOfStream: false, cancellationToken);
        for (long index = 0; ; index++)
        {
            // Read one chunk ahead: the chunk being sealed must know whether it is the last.
            var nextLength = length == ChunkSize ? await input.ReadAtLeastAsync(next, ChunkSize, throwOnEndOfStream: false, cancellationToken) : 0;
            var last = nextLength == 0;
            var sealedChunk = new byte[length + TagSize];
            aes.Encrypt(Nonce(fileId, index), buffer.AsSpan(0, length), sealedChunk.AsSpan(0, length), sealedChunk.AsSpan(length), Associated(last));
            var header = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(header, length);
            await output.WriteAsync(header, cancellationToken);
            await output.WriteAsync(sealedChunk, cancellationToken);
            if (last)
            {
                break;
            }

            (buffer, next) = (next, buffer);
            length = nextLength;
        }

        await output.FlushAsync(cancellationToken);
        output.Flush(flushToDisk: true);
    }

    /// <summary>Decrypts into <paramref name="plain"/> (a new file); throws <see cref="BackupException"/> for a wrong key or a damaged, altered or cut file.</summary>
    public static async Task DecryptAsync(string encrypted, string plain, byte[] key, CancellationToken cancellationToken)
    {
        using var aes = new AesGcm(key, TagSize);
        await using var input = File.OpenRead(encrypted);
        await using var output = new FileStream(plain, OwnerOnlyNew());
        var head = new byte[Magic.Length + 8];
        if (await input.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken) != head.Length || !head.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new BackupException($"{encrypted} is not an encrypted OpsFlow backup");
        }

        var fileId = head[Magic.Length..];
        var header = new byte[4];
        for (long index = 0; ; index++)
        {
            if (await input.ReadAtLeastAsync(header, 4, throwOnEndOfStream: false, cancellationToken) != 4)
            {
                throw new BackupException($"{encrypted} ends before its last chunk: the file was cut short");
            }

            var length = BinaryPrimitives.ReadInt32BigEndian(header);
            if (length is < 0 or > ChunkSize)
            {
                throw new BackupException($"{encrypted} is damaged (chunk {index} claims {length} bytes)");
            }

            var sealedChunk = new byte[length + TagSize];
            if (await input.ReadAtLeastAsync(sealedChunk, sealedChunk.Length, throwOnEndOfStream: false, cancellationToken) != sealedChunk.Length)
            {
                throw new BackupException($"{encrypted} ends inside chunk {index}: the file was cut short");
            }

            var last = input.Position == input.Length;
            var chunk = new byte[length];
            try
            {
                aes.Decrypt(Nonce(fileId, index), sealedChunk.AsSpan(0, length), sealedChunk.AsSpan(length), chunk, Associated(last));
            }
            catch (AuthenticationTagMismatchException)
            {
                throw new BackupException($"{encrypted} does not decrypt with this key (chunk {index}): a wrong key, or the file was altered or cut");
            }

            await output.WriteAsync(chunk, cancellationToken);
            if (last)
            {
                break;
            }
        }

        await output.FlushAsync(cancellationToken);
    }

    /// <summary>A new file only the service account may read (0600) from its first byte: it may hold the plain database.</summary>
    private static FileStreamOptions OwnerOnlyNew()
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return options;
    }

    private static byte[] Nonce(byte[] fileId, long index)
    {
        var nonce = new byte[12];
        fileId.CopyTo(nonce, 0);
        BinaryPrimitives.WriteInt32BigEndian(nonce.AsSpan(8), checked((int)index));
        return nonce;
    }

    private static byte[] Associated(bool last) => [last ? (byte)1 : (byte)0];
}

/// <summary>A backup or restore that cannot go on; the message says why and what to do.</summary>
public sealed class BackupException(string message, Exception? inner = null) : Exception(message, inner);
