//go:build long

package main

import (
	"testing"

	"github.com/ember-ml/ember/tune"
)

// TestTargets runs main's configuration — 2,000 training and 1,000 validation images, 6
// epochs, 40 trials, seeds 1–5, ASHA — and checks the quality and pruning targets of the
// package comment. The parallel timing is only logged: the machine is shared, so a timing
// cannot be a test. It needs Debian's dataset-fashion-mnist: go test -tags long ./examples/tune
func TestTargets(t *testing.T) {
	b, err := Load("", 2000, 1000, 6)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := b.Compare([]uint64{1, 2, 3, 4, 5}, 40, tune.SuccessiveHalving{}, func(r SeedResult) {
		t.Logf("seed %d: best random %.4f, TPE %.4f, TPE+ASHA %.4f; epochs %d unpruned, %d pruned",
			r.Seed, r.Random.Best, r.TPE.Best, r.TPEPrun.Best, r.TPE.Epochs, r.TPEPrun.Epochs)
	})
	if err != nil {
		t.Fatal(err)
	}
	ratio, gap, missed := Summary(rs)
	t.Logf("pruning ran %.1f%% of the epochs; its best is %.2f points below the unpruned best on average", 100*ratio, 100*gap)
	for _, m := range missed {
		t.Error(m)
	}
	timing, err := b.Parallel(20, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("20 trials 1 at a time %v, 2 at a time %v: median ratio %.2f (target ≤ 0.60)", timing.One, timing.Two, timing.Ratio())
}
