/*
 * sim/version.h: the akashsim version and the rules version it implements, as recorded with
 * every run (runs.akashsim_version, runs.rules) and printed by `akashsim version`.
 */
#ifndef AK_SIM_VERSION_H
#define AK_SIM_VERSION_H

#define AKASHSIM_VERSION "0.1.0"
#define AKASHSIM_RULES "akash-v1"

#endif
