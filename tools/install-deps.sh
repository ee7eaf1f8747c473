#!/usr/bin/env bash
# Installs every Debian bookworm package the workstation needs to build, run and test.
# Idempotent; needs root (or sudo).
set -euo pipefail
PKGS=(
  cmake g++ ninja-build pkg-config ccache
  qt6-base-dev qt6-charts-dev qt6-multimedia-dev libqt6sql6-sqlite libqt6sql6-psql libpq-dev
  qt6-qpa-plugins libqt6opengl6-dev libgl-dev
  libeigen3-dev libfftw3-dev libusb-1.0-0-dev libspdlog-dev nlohmann-json3-dev catch2 libboost-dev
  xvfb xauth poppler-utils fonts-dejavu-core desktop-file-utils
  umockdev libumockdev-dev
  postgresql
  pulseaudio pulseaudio-utils
  python3-mne python3-numpy
  libedf-dev libedf1
  libdcmtk-dev dicom3tools python3-pydicom
)
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi
