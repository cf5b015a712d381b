"""The transport lab's pieces for bench/compare: servers, load runs, memory, report, plots."""
