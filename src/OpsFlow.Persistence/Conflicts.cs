using System.Data.Common;

namespace OpsFlow.Persistence;

/// <summary>
/// Writes that two hosts may race on (the same request id, the same lock key). Each checks before it inserts, but two
/// writers can pass the check at once; the database's unique key then refuses the later insert. A second look, after
/// the winner committed, gives the answer the winner's write implies (a duplicate, a held lock).
/// </summary>
internal static class Conflicts
{
    private const int Attempts = 4;

    public static async Task<T> RetryAsync<T>(Func<Task<T>> write)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await write();
            }
            catch (Exception ex) when (attempt < Attempts && IsRace(ex))
            {
                // Looked again below, now that the other writer's transaction has ended.
            }
        }
    }

    /// <summary>A unique key refused the write, or the database chose it as a deadlock's victim.</summary>
    public static bool IsRace(Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            if (ex is DbException { SqlState: "23505" or "40P01" or "40001" })
            {
                return true;
            }
        }

        return false;
    }
}
