package io.github.r2dbcrouting.it;

import java.time.Duration;
import java.util.Random;

import org.jspecify.annotations.Nullable;

/**
 * One operation of {@link CancelSoakIT}'s mixed run, drawn from a seeded {@link Random}: what it does, and where,
 * if at all, it is cancelled.
 */
final class SoakOperation {

    enum Kind {

        /** A replica read of {@code @@server_id}. */
        REPLICA_READ,

        /** A replica read of a 1,000-row result, cut by {@code take(rows)}. */
        CUT_RESULT,

        /** Two replica reads in one sticky scope, which must land on the same server. */
        STICKY_READS,

        /** A write and then a replica read in one session, which must see the write. */
        SESSION_READ,

        /** A write on the primary. */
        WRITE
    }

    /** The rows of the 1,000-row result. */
    static final int RESULT_ROWS = 1_000;

    private static final int CANCEL_PERCENT = 20;

    private static final long MAX_CANCEL_DELAY_NANOS = Duration.ofMillis(2).toNanos();

    final int index;

    final Kind kind;

    /** For {@link Kind#CUT_RESULT}: how many rows to take, 1 to 999. */
    final int rows;

    final SoakProbe.@Nullable CancelPoint cancel;

    final SoakProbe probe = new SoakProbe();

    private SoakOperation(int index, Kind kind, int rows, SoakProbe.@Nullable CancelPoint cancel) {
        this.index = index;
        this.kind = kind;
        this.rows = rows;
        this.cancel = cancel;
    }

    /**
     * 30% replica reads, 15% a 1,000-row result cut by {@code take(n)}, 15% two sticky reads, 15% a session's write
     * and read, 25% writes; 20% of them cancelled 0 to 2ms after they start, after their connection arrives or
     * after their first row arrives, a third each.
     *
     * @param index a number unique to the operation, written by writes and looked for by session reads
     * @param random the seeded source of every choice
     * @return the operation
     */
    static SoakOperation draw(int index, Random random) {
        int dice = random.nextInt(100);
        Kind kind = dice < 30 ? Kind.REPLICA_READ : dice < 45 ? Kind.CUT_RESULT : dice < 60 ? Kind.STICKY_READS
                : dice < 75 ? Kind.SESSION_READ : Kind.WRITE;
        int rows = 1 + random.nextInt(RESULT_ROWS - 1);
        SoakProbe.CancelPoint cancel = null;
        if (random.nextInt(100) < CANCEL_PERCENT) {
            cancel = new SoakProbe.CancelPoint(random.nextInt(3),
                    Duration.ofNanos(random.nextLong(MAX_CANCEL_DELAY_NANOS)));
        }
        return new SoakOperation(index, kind, rows, cancel);
    }
}
