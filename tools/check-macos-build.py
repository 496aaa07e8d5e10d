#!/usr/bin/env python3
"""The harness cross-built and linked for macOS, x86_64 and arm64 (meson test
'macos', suite 'cross').

tools/build-macos-deps.sh brings Zig, a Meson that knows Zig's linker, and
libuv for each architecture into build-macos-deps/ (cached); each
architecture is then configured and built in build-macos/ARCH/ with
-Dwerror=true, through Meson only, and its bindmatrix and bm-role (found with
`meson introspect`) must be Mach-O executables for that CPU. Compiled and
linked against the SDK headers Zig ships; nothing is run.

Exits 0 when both architectures build and check, 1 when one does not, and 77
(Meson's "skipped") with the reason when the toolchain cannot be had here.
"""
import json
import platform
import shutil
import struct
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPS = ROOT / "build-macos-deps"
BUILDS = ROOT / "build-macos"
SKIPPED = 77
PROGRAMS = ("bindmatrix", "bm-role")

# The Mach-O header fields checked, as the macOS SDK headers Zig 0.11 ships
# define them (lib/libc/include/any-macos.13-any/): mach-o/loader.h lines 92
# and 119, MH_MAGIC_64 and MH_EXECUTE; mach/machine.h lines 87-111,
# CPU_TYPE_X86_64 and CPU_TYPE_ARM64, which are CPU_ARCH_ABI64 (0x01000000)
# | CPU_TYPE_X86 (7) and | CPU_TYPE_ARM (12).
MH_MAGIC_64 = 0xFEEDFACF
MH_EXECUTE = 0x2
# Zig's and Meson's name of each architecture -> (its Mach-O CPU type, Apple's name).
CPU_TYPES = {"x86_64": (0x01000007, "x86_64"), "aarch64": (0x0100000C, "arm64")}


def say(message):
    print(f"check-macos-build: {message}", flush=True)


def macho_mismatch(path, arch):
    """Why the file at path is not a Mach-O executable for arch, or None."""
    with open(path, "rb") as f:
        header = f.read(16)
    if len(header) < 16:
        return "shorter than a Mach-O header"
    magic, cputype, _subtype, filetype = struct.unpack("<4I", header)
    want, name = CPU_TYPES[arch]
    if magic != MH_MAGIC_64:
        return f"magic {magic:#010x}, not MH_MAGIC_64 (64-bit Mach-O)"
    if filetype != MH_EXECUTE:
        return f"file type {filetype}, not MH_EXECUTE"
    if cputype != want:
        return f"CPU type {cputype:#010x}, not {name}'s {want:#010x}"
    return None


def build(arch):
    """Configures (once) and builds arch; returns its failures."""
    meson = str(DEPS / "bin" / "meson")
    build_dir = BUILDS / arch
    if not (build_dir / "build.ninja").exists():
        shutil.rmtree(build_dir, ignore_errors=True)  # a setup that failed
        setup = subprocess.run(
            [meson, "setup", str(build_dir), str(ROOT), "--cross-file",
             str(DEPS / f"macos-{arch}.ini"), "-Dwerror=true"])
        if setup.returncode:
            return [f"{arch}: meson setup failed"]
    if subprocess.run([meson, "compile", "-C", str(build_dir)]).returncode:
        return [f"{arch}: the build failed"]
    targets = json.loads(subprocess.run(
        [meson, "introspect", "--targets", str(build_dir)], check=True,
        capture_output=True, text=True).stdout)
    failures = []
    for program in PROGRAMS:
        files = [t["filename"][0] for t in targets
                 if t["name"] == program and t["type"] == "executable"]
        if len(files) != 1:
            failures.append(f"{arch}: {len(files)} executables named {program}")
            continue
        mismatch = macho_mismatch(files[0], arch)
        if mismatch:
            failures.append(f"{arch}: {files[0]}: {mismatch}")
        else:
            say(f"ok: {files[0]}: Mach-O 64-bit executable, "
                f"{CPU_TYPES[arch][1]}")
    return failures


def main():
    if (platform.system(), platform.machine()) != ("Linux", "x86_64"):
        say("skipped: Zig's npm package (the macOS cross toolchain) is for "
            f"x86_64 Linux, this is {platform.system()} {platform.machine()}")
        return SKIPPED
    import fcntl  # Unix only: after the check above

    DEPS.mkdir(exist_ok=True)
    # One run at a time: the native and the sanitizer build dirs share DEPS and
    # the macOS build dirs.
    with open(DEPS / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        deps = subprocess.run([str(ROOT / "tools" / "build-macos-deps.sh"),
                               str(DEPS), *CPU_TYPES],
                              stderr=subprocess.PIPE, text=True)
        sys.stderr.write(deps.stderr)
        if deps.returncode == SKIPPED:
            # Its last line says what could not be fetched.
            reason = deps.stderr.strip().splitlines()[-1:] or ["(no reason given)"]
            say(f"skipped: the macOS cross toolchain cannot be had here: "
                f"{reason[0]}")
            return SKIPPED
        if deps.returncode:
            say("failed: tools/build-macos-deps.sh")
            return 1
        failures = [f for arch in CPU_TYPES for f in build(arch)]
    for failure in failures:
        say(f"failed: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
