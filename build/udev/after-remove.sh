#!/bin/sh
# After-remove script of the deb and rpm packages (electron-builder's fpm targets; a custom script replaces
# electron-builder's own): undoes build/linux-after-install.sh on a removal, and nothing on an upgrade.
# electron-builder fills in its dollar-brace macros (executable, sanitizedProductName) before packaging and
# refuses any other, so shell variables here are always written $name, never with braces.
set -e

# deb: postrm remove|purge|upgrade|...; rpm: %postun with the number of versions left (0: erased). On an rpm
# upgrade the new version's after-install has already run, so removing anything here would undo it.
case "$1" in
  remove | purge | 0) ;;
  *) exit 0 ;;
esac

app_dir='/opt/${sanitizedProductName}'
bin='${executable}'
rules=70-diadema-headsets.rules

if command -v update-alternatives >/dev/null 2>&1; then
  update-alternatives --remove "$bin" "$app_dir/$bin" || true
fi
# A plain link (no update-alternatives on this system) pointing into the removed package.
if [ -L "/usr/bin/$bin" ] && [ "$(readlink "/usr/bin/$bin")" = "$app_dir/$bin" ]; then
  rm -f "/usr/bin/$bin"
fi

profile="/etc/apparmor.d/$bin"
if [ -f "$profile" ]; then
  if command -v apparmor_parser >/dev/null 2>&1 && ! { [ -x /usr/bin/ischroot ] && /usr/bin/ischroot; }; then
    apparmor_parser --remove "$profile" >/dev/null 2>&1 || true
  fi
  rm -f "$profile"
fi

rm -f "/etc/udev/rules.d/$rules"
if command -v udevadm >/dev/null 2>&1; then
  udevadm control --reload-rules >/dev/null 2>&1 || true
fi
