// The translation unit that builds the test suite's precompiled header (see
// cmake/ShardsimHelpers.cmake, shardsim_test_pch_target); it has no code of its own.
