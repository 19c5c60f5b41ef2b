using System.Buffers.Binary;

namespace OpsFlow.Teams.Tests.Manifest;

/// <summary>A PNG's size and colour type, read from its IHDR chunk (the first chunk, right after the signature).</summary>
internal sealed record PngHeader(int Width, int Height, int ColorType)
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>True when the image has an alpha channel (RGBA or grey + alpha), which a transparent outline needs.</summary>
    public bool HasAlpha => ColorType is 4 or 6;

    public static PngHeader Read(byte[] png)
    {
        Assert.True(png.Length >= 33 && png.AsSpan(0, 8).SequenceEqual(Signature), "not a PNG file");
        Assert.True(png.AsSpan(12, 4).SequenceEqual("IHDR"u8), "the PNG does not start with IHDR");
        return new PngHeader(
            BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)),
            BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)),
            png[25]);
    }
}
