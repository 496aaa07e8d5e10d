/* `bindmatrix check [--port-arg TEMPLATE] [--env NAME] [--json FILE]
 *                   [--timeout-ms N] [--grace-ms N] [--verbose] -- CMD ARGS...`
 *
 * Bring your own server: measures whether a user's program restarts
 * safely, can be hijacked and leaks its port, on the OS it runs on. The
 * harness picks a fresh port as for any cell and gives it to the server as
 * {port} in its arguments, as --port-arg's TEMPLATE appended to them, and
 * in the environment variable NAME (PORT). Three runs, each on a port of
 * its own: the hijack probes while the server listens
 * (runner/check_hijack.c), then a restart with the client still connected
 * and one with it closed first (runner/check_restart.c), whose stops show
 * what is left on the port and who holds it. Verdicts first, then the
 * cells (runner/check_report.c); --json writes the result file
 * (output/check_json.c).
 *
 * Exit status: 0 every verdict yes (or not measurable here: another user
 * needs root); 4 a verdict is no; 3 a verdict could not be measured (the
 * harness's trouble: the reason is in it); 5 the server could not be checked
 * (it never listened on its port, exited first, listened elsewhere); 2 a usage
 * error; 1 the harness could not run (or this OS has no port listing yet:
 * os/port_listing.h); 128+N interrupted by signal N. */
#ifndef BM_RUNNER_CHECK_H
#define BM_RUNNER_CHECK_H

/* argv[1] is "check". */
int bm_check_main(int argc, char **argv);

#endif
