#pragma once
namespace al {
// The whole command line; returns the exit code (0 clean, 1 findings at or
// above --fail-on, 2 usage, config or I/O errors).
int run_cli(int argc, char** argv);
}  // namespace al
