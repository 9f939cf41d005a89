package io.heomdm.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TcpCountersTest {
    static final String SNMP = """
            Ip: Forwarding DefaultTTL InReceives
            Ip: 1 64 5916124
            Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs
            Tcp: 1 200 120000 -1 4242 4100 3 20 57 5900000 5800000 9167 0
            Udp: InDatagrams NoPorts
            Udp: 10 0
            """;
    static final String NETSTAT = """
            TcpExt: SyncookiesSent PruneCalled RcvPruned TCPRcvQDrop TCPZeroWindowDrop
            TcpExt: 0 4588 4236 4226 0
            IpExt: InNoRoutes InTruncatedPkts
            IpExt: 0 0
            """;

    @Test
    void readsRetransmittedSegmentsAndReceiveBufferDropsFromProcNet() {
        assertThat(TcpCounters.parse(SNMP, NETSTAT)).isEqualTo(new TcpCounters(9167, 4226));
    }

    @Test
    void aRunCountsWhatHappenedSinceItsStart() {
        var before = new TcpCounters(9167, 4226);
        var after = new TcpCounters(9543, 4226);
        assertThat(after.since(before)).isEqualTo(new TcpCounters(376, 0));
        assertThat(after.since(before).plus(new TcpCounters(4, 2))).isEqualTo(new TcpCounters(380, 2));
    }

    @Test
    void elsewhereThanLinuxEverythingReadsZero() {
        assertThat(TcpCounters.parse("", "")).isEqualTo(TcpCounters.NONE);
    }

    @Test
    void thisMachinesCountersAreReadable() {
        var now = TcpCounters.read();
        assertThat(now.retransmitted()).isNotNegative();
        assertThat(now.receiveBufferDrops()).isNotNegative();
    }
}
