import { Core, type Session, type URI, type UserAgent } from 'sip.js';

/**
 * What a BYE needs of a confirmed dialog (RFC 3261 §12.2.1.1), copied while its user agent still holds it. A call
 * ended here while the phone server was unreachable for too long belongs to a user agent that is then replaced;
 * the far end is still in the call, and only a BYE in that dialog ends it there.
 */
export interface DialogForBye {
  callId: string;
  localTag: string;
  remoteTag: string;
  localUri: URI;
  remoteUri: URI;
  remoteTarget: URI;
  routeSet: string[];
  cseq: number;
}

export function dialogForBye(session: Session): DialogForBye | undefined {
  // The API types the dialog by its narrow session interface; the object is the core's dialog with its route set.
  const d = session.dialog;
  if (!(d instanceof Core.SessionDialog)) return undefined;
  return {
    callId: d.callId,
    localTag: d.localTag,
    remoteTag: d.remoteTag,
    localUri: d.localURI,
    remoteUri: d.remoteURI,
    remoteTarget: d.remoteTarget,
    routeSet: [...d.routeSet],
    // Past every request this dialog sent, including a BYE its old user agent tried on the dead connection.
    cseq: (d.localSequenceNumber ?? 0) + 2,
  };
}

/**
 * Sends that dialog's BYE through another (registered) user agent: the route set and the far end's target are the
 * dialog's, so the proxy routes it as any in-dialog request; the far end matches it by Call-ID and tags, whatever
 * connection it came over. Resolves the final status (503 when it could not be sent, 408 on timeout).
 */
export function sendLateBye(ua: UserAgent, d: DialogForBye): Promise<number> {
  const core = ua.userAgentCore;
  const message = core.makeOutgoingRequestMessage('BYE', d.remoteTarget, d.localUri, d.remoteUri, {
    callId: d.callId,
    cseq: d.cseq,
    fromTag: d.localTag,
    toTag: d.remoteTag,
    routeSet: d.routeSet,
  });
  return new Promise<number>((resolve) => {
    const status = (r: { message: { statusCode?: number } }) => resolve(r.message.statusCode ?? 0);
    try {
      core.request(message, { onAccept: status, onReject: status, onRedirect: status });
    } catch {
      resolve(0);
    }
  });
}
