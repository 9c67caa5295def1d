import type { QualitySample } from '@common/contract/calls';

/**
 * Reads what the agent's PeerConnection says about a call. Chromium reports jitter in seconds, audio levels
 * as 0..1 and round-trip time in seconds; everything is normalised to ms, percent and 0..1 here.
 */
export async function readCallStats(
  pc: RTCPeerConnection,
  previous?: { lost: number; received: number },
): Promise<{ sample: Omit<QualitySample, 'mos'>; counters: { lost: number; received: number } }> {
  const report = await pc.getStats();
  let jitter = 0,
    lost = 0,
    received = 0,
    inboundBytes = 0,
    outboundBytes = 0,
    inboundLevel = 0,
    outboundLevel = 0,
    rtt = 0;
  report.forEach((s: Record<string, unknown>) => {
    const kind = s.kind ?? s.mediaType;
    if (s.type === 'inbound-rtp' && kind === 'audio') {
      jitter = Number(s.jitter ?? 0) * 1000;
      lost = Number(s.packetsLost ?? 0);
      received = Number(s.packetsReceived ?? 0);
      inboundBytes = Number(s.bytesReceived ?? 0);
      inboundLevel = Number(s.audioLevel ?? 0);
    } else if (s.type === 'outbound-rtp' && kind === 'audio') {
      outboundBytes = Number(s.bytesSent ?? 0);
    } else if (s.type === 'media-source' && kind === 'audio') {
      outboundLevel = Number(s.audioLevel ?? 0);
    } else if (s.type === 'candidate-pair' && (s.nominated || s.selected) && s.state === 'succeeded') {
      rtt = Number(s.currentRoundTripTime ?? 0) * 1000;
    } else if (s.type === 'remote-inbound-rtp' && kind === 'audio' && !rtt) {
      rtt = Number(s.roundTripTime ?? 0) * 1000;
    }
  });
  const dLost = Math.max(0, lost - (previous?.lost ?? 0));
  const dRecv = Math.max(0, received - (previous?.received ?? 0));
  const lossPct = dLost + dRecv > 0 ? (100 * dLost) / (dLost + dRecv) : 0;
  return {
    sample: { jitterMs: jitter, lossPct, rttMs: rtt, inboundBytes, outboundBytes, inboundLevel, outboundLevel },
    counters: { lost, received },
  };
}
