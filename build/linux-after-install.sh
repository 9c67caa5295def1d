#!/bin/sh
# After-install script of the deb and rpm packages. A custom script replaces electron-builder's own, so this one
# also does what that one does (the command on PATH, Chromium's sandbox helper, the AppArmor profile), then
# installs the headset udev rule and makes udev apply it to headsets already plugged in.
# electron-builder fills in its dollar-brace macros (executable, sanitizedProductName) before packaging and
# refuses any other, so shell variables here are always written $name, never with braces.
set -e

app_dir='/opt/${sanitizedProductName}'
bin='${executable}'
rules=70-diadema-headsets.rules

# The command on PATH.
if command -v update-alternatives >/dev/null 2>&1; then
  update-alternatives --install "/usr/bin/$bin" "$bin" "$app_dir/$bin" 100 || ln -sf "$app_dir/$bin" "/usr/bin/$bin"
else
  ln -sf "$app_dir/$bin" "/usr/bin/$bin"
fi

# Ubuntu 24.04 and later allow unprivileged user namespaces only to profiled programs: install the profile
# electron-builder ships, when this AppArmor understands it.
if command -v apparmor_parser >/dev/null 2>&1 && apparmor_status --enabled >/dev/null 2>&1; then
  profile="/etc/apparmor.d/$bin"
  if apparmor_parser --skip-kernel-load --debug "$app_dir/resources/apparmor-profile" >/dev/null 2>&1; then
    cp -f "$app_dir/resources/apparmor-profile" "$profile"
    if ! { [ -x /usr/bin/ischroot ] && /usr/bin/ischroot; }; then
      apparmor_parser --replace --write-cache --skip-read-cache "$profile" || true
    fi
  fi
fi

# Chromium's sandbox: the setuid helper only where unprivileged user namespaces do not work.
if [ -L /proc/self/ns/user ] && unshare --user true >/dev/null 2>&1; then
  chmod 0755 "$app_dir/chrome-sandbox" || true
else
  chmod 4755 "$app_dir/chrome-sandbox" || true
fi

if command -v update-desktop-database >/dev/null 2>&1; then
  update-desktop-database /usr/share/applications || true
fi

# Headset buttons and lights: the logged-in user may open telephony headsets' hidraw nodes (see the rule file).
install -D -m 0644 "$app_dir/udev/$rules" "/etc/udev/rules.d/$rules"
# No udev daemon in a container or a chroot (image builds): the rule applies at the next boot there.
if command -v udevadm >/dev/null 2>&1; then
  udevadm control --reload-rules >/dev/null 2>&1 || true
  udevadm trigger --subsystem-match=hidraw --action=change >/dev/null 2>&1 || true
fi
