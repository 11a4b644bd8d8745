// Hangfire keeps its log provider in a static. Two DrsBot hosts alive at once in one test process would share
// it, and one host's shutdown would break the other's logging, so hosts run one after another. (In production
// there is one host per process.)
[assembly: CollectionBehavior(DisableTestParallelization = true)]
