#!/bin/sh
# Installs the headset udev rule so the logged-in user can reach hidraw nodes of USB headsets.
set -e
install -m 0644 /opt/Diadema/udev/70-diadema-headsets.rules /etc/udev/rules.d/70-diadema-headsets.rules
udevadm control --reload-rules 2>/dev/null || true
udevadm trigger --subsystem-match=hidraw 2>/dev/null || true
