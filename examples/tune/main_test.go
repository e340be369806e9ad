package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/tune"
)

// smallBench is the tests' benchmark: 300 training and 200 validation images, 2 epochs,
// loaded once.
var smallBench = sync.OnceValues(func() (*Bench, error) { return Load("", 300, 200, 2) })

func slice(t *testing.T) *Bench {
	t.Helper()
	if _, err := os.Stat(data.FashionMNISTDir); err != nil {
		t.Skip("Debian's dataset-fashion-mnist is not installed")
	}
	b, err := smallBench()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBenchmarkRunsOnASlice runs every part of the benchmark on 300 images, 4 trials of 2
// epochs: a smoke test (the full results are in the package comment and the long test).
func TestBenchmarkRunsOnASlice(t *testing.T) {
	b := slice(t)
	rs, err := b.Compare([]uint64{1}, 4, tune.MedianPruner{NStartupTrials: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := rs[0]
	for _, res := range []Result{r.Random, r.TPE, r.TPEPrun} {
		if res.Best <= 0.1 || res.Best > 1 {
			t.Errorf("best validation accuracy %.4f; chance is 0.10", res.Best)
		}
	}
	// TPE starts with 10 random trials: with 4 trials it is random search.
	if r.Random.Best != r.TPE.Best || r.Random.Epochs != r.TPE.Epochs {
		t.Errorf("random search %+v and TPE's startup trials %+v differ", r.Random, r.TPE)
	}
	if r.TPE.Epochs != 8 || r.TPEPrun.Epochs > 8 {
		t.Errorf("epochs run: %d unpruned (want 4 trials × 2), %d pruned", r.TPE.Epochs, r.TPEPrun.Epochs)
	}
	if _, _, missed := Summary(rs); len(missed) > 0 {
		t.Logf("targets missed on the slice (expected at this size): %v", missed)
	}
	timing, err := b.Parallel(2, 1, 1)
	if err != nil || len(timing.One) != 1 || len(timing.Two) != 1 {
		t.Fatalf("parallel timing %+v, %v", timing, err)
	}
	if _, err := PrunerByName("hyperband"); err == nil {
		t.Error("PrunerByName accepted an unknown pruner")
	}
}

// TestEvalIsTheStudysObjective checks that -eval trains trial n of seed s exactly as an Ember
// study with seed s trains its trial n: the same value, bit for bit, for the same parameters.
// That is what lets scripts/optuna_tune.py run Optuna's TPE on the very same function.
func TestEvalIsTheStudysObjective(t *testing.T) {
	b := slice(t)
	var epochs atomic.Int64
	s := &tune.Study{Space: Space(), Direction: tune.Maximize, Sampler: tune.Random{}, Seed: 7}
	if err := s.Optimize(b.Objective(&epochs), 3); err != nil {
		t.Fatal(err)
	}
	last := s.Trials()[2]
	js, err := json.Marshal(last.Params)
	if err != nil {
		t.Fatal(err)
	}
	var out, errs strings.Builder
	req := fmt.Sprintf(`{"seed":7,"trial":2,"params":%s}`+"\n"+`{"seed":7,"trial":2,"params":{"lr":1}}`+"\nnot json\n", js)
	if err := b.Serve(strings.NewReader(req), &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("-serve answered %d lines to 3 requests: %q", len(lines), out.String())
	}
	var e Eval
	if err := json.Unmarshal([]byte(lines[0]), &e); err != nil {
		t.Fatal(err)
	}
	if e.Value != last.Value || e.Trial != 2 || e.Seed != 7 {
		t.Errorf("-serve gave %+v; the study's trial 2 %v scored %v", e, last.Params, last.Value)
	}
	for _, l := range lines[1:] {
		if !strings.HasPrefix(l, `{"error":`) {
			errs.WriteString(l + "\n")
		}
	}
	if errs.Len() > 0 {
		t.Errorf("bad requests got no error: %s", errs.String())
	}
	for _, bad := range []string{`{"lr":0.01,"hidden":32,"layers":2}`, `{"lr":0.01,"hidden":32,"layers":4,"dropout":0}`,
		`{"lr":0.01,"hidden":32,"layers":2,"dropout":0,"depth":3}`, `{"lr":"x"}`} {
		if _, err := b.Eval(bad, 1, 0); err == nil {
			t.Errorf("Eval(%s) gave no error", bad)
		}
	}
	if _, err := TrialSeed(1, -1); err == nil {
		t.Error("TrialSeed accepted trial -1")
	}
}
