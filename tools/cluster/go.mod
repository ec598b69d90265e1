// Small programs for the test cluster's own images (scripts/cluster-build); standard library
// only, apart from the main module so that they never enter carpool's dependencies.
module carpool/tools/cluster

go 1.26
