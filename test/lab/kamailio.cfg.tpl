#!KAMAILIO
# Diadema SIP lab: registrar and proxy on loopback, digest auth from an in-memory table, WebSocket + UDP,
# rtpengine only where media must cross between WebRTC (WebSocket clients) and plain RTP (UDP clients).
# Placeholders @NAME@ are filled by lab-core.mjs.

debug=2
log_stderror=yes
memdbg=5
memlog=5
children=2
tcp_children=4
auto_aliases=no
listen=udp:@HOST@:@UDP_PORT@
listen=tcp:@HOST@:@WS_PORT@
# Aliases carry the port and are unquoted: a port-less alias would make every loopback client "myself".
alias=@HOST@:@UDP_PORT@
alias=@HOST@:@WS_PORT@
tcp_accept_no_cl=yes
tcp_connection_lifetime=3605
tcp_keepalive=yes
dns=no
rev_dns=no

mpath="@MODULES@"
loadmodule "kex.so"
loadmodule "corex.so"
loadmodule "tm.so"
loadmodule "tmx.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
loadmodule "sanity.so"
loadmodule "htable.so"
loadmodule "auth.so"
loadmodule "nathelper.so"
loadmodule "xhttp.so"
loadmodule "websocket.so"
loadmodule "tcpops.so"
loadmodule "sdpops.so"
loadmodule "rtpengine.so"
loadmodule "jsonrpcs.so"

modparam("htable", "htable", "users=>size=4;autoexpire=0;")
modparam("usrloc", "handle_lost_tcp", 1)
modparam("usrloc", "close_expired_tcp", 1)
modparam("registrar", "max_expires", 600)
modparam("registrar", "min_expires", 30)
modparam("registrar", "received_avp", "$avp(RECEIVED)")
modparam("nathelper", "received_avp", "$avp(RECEIVED)")
modparam("rr", "append_fromtag", 1)
modparam("tm", "fr_timer", 10000)
modparam("tm", "fr_inv_timer", 60000)
modparam("websocket", "keepalive_mechanism", 1)
modparam("websocket", "keepalive_interval", 5)
modparam("rtpengine", "rtpengine_sock", "udp:@HOST@:@NG_PORT@")
# Control over HTTP only (no FIFO or socket files): lab-core.mjs walks the location table and sends NOTIFYs with it.
modparam("jsonrpcs", "transport", 1)

event_route[htable:mod-init] {
@ACCOUNTS@
}

request_route {
	if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
	if (!sanity_check("17895", "7")) { xlog("L_WARN", "malformed request $rm from $si:$sp\n"); exit; }

	# WebSocket clients sit behind an invented Contact host: remember where they really are.
	if (nat_uac_test("64")) {
		force_rport();
		if (is_method("REGISTER")) { fix_nated_register(); }
		else if (!add_contact_alias()) { sl_send_reply("400", "Bad Contact"); exit; }
	}

	# When a caller's ACK reached the server (also the ACK of a 407), on the machine's clock (bench/call-setup).
	if (is_method("ACK")) { xlog("L_INFO", "diadema-ack ci=$ci t=$TV(Sn)\n"); }
	if (has_totag()) { route(WITHINDLG); exit; }

	if (is_method("CANCEL")) {
		if (t_check_trans()) { route(MEDIA_DELETE); route(RELAY); }
		exit;
	}
	if (is_method("ACK")) { if (t_check_trans()) { route(RELAY); } exit; }
	t_check_trans();

	if (is_method("REGISTER")) {
		if (!pv_auth_check("$fd", "$sht(users=>$fU)", "0", "1")) { auth_challenge("$fd", "0"); exit; }
		consume_credentials();
		if (!save("location")) { sl_reply_error(); }
		exit;
	}
	if (is_method("OPTIONS") && $rU == $null) { sl_send_reply("200", "Keepalive"); exit; }

	# Every new request from our users is authenticated as a proxy would.
	if (!pv_auth_check("$fd", "$sht(users=>$fU)", "0", "1")) { proxy_challenge("$fd", "0"); exit; }
	consume_credentials();
	# When the server accepted each new call, on the machine's clock (bench/call-setup reads it).
	if (is_method("INVITE")) { xlog("L_INFO", "diadema-invite ci=$ci t=$TV(Sn)\n"); }

	if ($rU == $null) { sl_send_reply("484", "Address Incomplete"); exit; }
	if (is_method("INVITE|SUBSCRIBE|REFER")) { record_route(); }
	# A request to a WebSocket client's own contact (attended transfer: Refer-To is the consult dialog's remote
	# target) carries the alias we added; route it straight there, as to a GRUU.
	if ($ru =~ ";alias=") {
		handle_ruri_alias();
		route(MEDIA);
		route(RELAY);
	}
	if (!lookup("location")) {
		t_newtran();
		t_reply("404", "Not Found");
		exit;
	}
	route(MEDIA);
	route(RELAY);
}

route[WITHINDLG] {
	if (loose_route()) {
		handle_ruri_alias();
		if (is_method("BYE")) { route(MEDIA_DELETE); }
		else { route(MEDIA); }
		route(RELAY);
		exit;
	}
	if (is_method("ACK")) {
		if (t_check_trans()) { route(RELAY); }
		exit;
	}
	sl_send_reply("404", "Not here");
	exit;
}

# Media crosses rtpengine only between a WebSocket (WebRTC) side and a UDP (plain RTP) side.
route[MEDIA] {
	if (!has_body("application/sdp")) return;
	$var(src_ws) = 0;
	$var(dst_ws) = 0;
	if ($proto == "ws" || $proto == "wss") { $var(src_ws) = 1; }
	if ($du =~ "transport=ws" || ($du == $null && $ru =~ "transport=ws")) { $var(dst_ws) = 1; }
	if ($var(src_ws) == 1 && $var(dst_ws) == 0) {
		setflag(5);
		rtpengine_offer("ICE=remove RTP/AVP rtcp-mux-demux replace-origin replace-session-connection");
	} else if ($var(src_ws) == 0 && $var(dst_ws) == 1) {
		setflag(6);
		# Browsers refuse an offer without rtcp-mux ("RTCP-MUX is not enabled when it is required").
		rtpengine_offer("ICE=force DTLS=passive RTP/SAVPF rtcp-mux-require replace-origin replace-session-connection");
	}
}

route[MEDIA_DELETE] {
	rtpengine_delete();
}

route[RELAY] {
	if (is_method("INVITE|UPDATE")) { t_on_reply("REPLY"); }
	if (!t_relay()) { sl_reply_error(); }
	exit;
}

onreply_route[REPLY] {
	# When a callee's 200 OK to an INVITE reached the server, with who called whom (bench/call-setup).
	if ($rs == 200 && $rm == "INVITE") { xlog("L_INFO", "diadema-200 ci=$ci fu=$fU tu=$tU t=$TV(Sn)\n"); }
	if (nat_uac_test("64")) { add_contact_alias(); }
	if (has_body("application/sdp")) {
		# The answer goes back toward the offerer: no DTLS=passive toward an offering browser.
		if (isflagset(5)) { rtpengine_answer("ICE=force RTP/SAVPF rtcp-mux-require replace-origin replace-session-connection"); }
		else if (isflagset(6)) { rtpengine_answer("ICE=remove RTP/AVP rtcp-mux-demux replace-origin replace-session-connection"); }
	}
}

event_route[xhttp:request] {
	# JSON-RPC for lab-core.mjs only: the path carries a random token each lab makes, so another local user's
	# process cannot drive (or stop) this Kamailio.
	if ($hu == "/rpc/@RPC_TOKEN@" && $rm == "POST") { jsonrpc_dispatch(); exit; }
	if ($hdr(Upgrade) =~ "websocket" && $hdr(Connection) =~ "Upgrade" && $rm =~ "GET") {
		if (ws_handle_handshake()) { exit; }
	}
	xhttp_reply("404", "Not Found", "", "");
}

event_route[websocket:closed] {
	xlog("L_INFO", "websocket closed $si:$sp\n");
}
