#include "archive_lint/cli.hpp"

int main(int argc, char** argv) { return al::run_cli(argc, argv); }
