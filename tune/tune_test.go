package tune_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ember-ml/ember/tune"
)

// quadratic is a 4-D bowl with its minimum 0 at (1, −2, 0.5, 3), on [−5, 5]⁴.
func quadratic(t *tune.Trial) (float64, error) {
	c := []float64{1, -2, 0.5, 3}
	s := 0.0
	for i, ci := range c {
		d := t.Float(fmt.Sprintf("x%d", i)) - ci
		s += d * d
	}
	return s, nil
}

func cube() []tune.Param {
	var space []tune.Param
	for i := range 4 {
		space = append(space, tune.Float(fmt.Sprintf("x%d", i), -5, 5))
	}
	return space
}

func bestValue(t *testing.T, s *tune.Study) float64 {
	t.Helper()
	b, ok := s.Best()
	if !ok {
		t.Fatal("no complete trial")
	}
	return b.Value
}

func TestTPEBeatsRandomSearch(t *testing.T) {
	var tpe, rnd float64
	for seed := uint64(1); seed <= 5; seed++ {
		a := &tune.Study{Space: cube(), Sampler: tune.TPE{}, Seed: seed}
		b := &tune.Study{Space: cube(), Sampler: tune.Random{}, Seed: seed}
		if err := a.Optimize(quadratic, 40); err != nil {
			t.Fatal(err)
		}
		if err := b.Optimize(quadratic, 40); err != nil {
			t.Fatal(err)
		}
		tpe += bestValue(t, a) / 5
		rnd += bestValue(t, b) / 5
		// The first 10 TPE trials are random startup trials: the same as Random's.
		if !reflect.DeepEqual(a.Trials()[9].Params, b.Trials()[9].Params) {
			t.Errorf("seed %d: startup trial 9 differs: TPE %v, Random %v", seed, a.Trials()[9].Params, b.Trials()[9].Params)
		}
	}
	t.Logf("mean best of 40 trials over 5 seeds: TPE %.4f, random %.4f", tpe, rnd)
	if !(tpe < rnd) {
		t.Errorf("TPE's mean best %.4f is not below random search's %.4f", tpe, rnd)
	}
}

func TestTPEHandlesEveryKindAndMaximize(t *testing.T) {
	space := []tune.Param{tune.Float("lr", 1e-4, 1, tune.Log()), tune.Int("units", 1, 64, tune.Log()),
		tune.Int("layers", 1, 4), tune.Choice("act", "relu", "tanh", "gelu"), tune.Float("fixed", 2, 2)}
	s := &tune.Study{Space: space, Direction: tune.Maximize, Seed: 3}
	err := s.Optimize(func(t *tune.Trial) (float64, error) {
		v := -math.Abs(math.Log10(t.Float("lr"))+2) - math.Abs(float64(t.Int("units")-16))/16 - float64(t.Int("layers"))
		if t.Choice("act") == "tanh" {
			v += 1
		}
		return v, nil
	}, 40)
	if err != nil {
		t.Fatal(err)
	}
	best, _ := s.Best()
	if best.Params["act"] != "tanh" || best.Params["fixed"] != 2.0 || best.Value < -2.5 {
		t.Errorf("best trial %+v", best)
	}
	for _, tr := range s.Trials() {
		if lr := tr.Params["lr"].(float64); lr < 1e-4 || lr > 1 {
			t.Fatalf("lr %v out of range", lr)
		}
		if u := tr.Params["units"].(int); u < 1 || u > 64 {
			t.Fatalf("units %v out of range", u)
		}
	}
}

// curve is a synthetic learning curve: the loss after step steps of a trial with parameter
// x, converging to (x−0.3)² from above at the same rate for every x.
func curve(x float64, step int) float64 {
	return (x-0.3)*(x-0.3) + 0.5*math.Exp(-float64(step)/20)
}

const curveSteps = 100

func curveObjective(steps *int, mu *sync.Mutex) func(t *tune.Trial) (float64, error) {
	return func(t *tune.Trial) (float64, error) {
		x := t.Float("x")
		for step := range curveSteps {
			mu.Lock()
			*steps++
			mu.Unlock()
			t.Report(step, curve(x, step))
			if t.ShouldPrune() {
				return 0, tune.ErrPruned
			}
		}
		return curve(x, curveSteps-1), nil
	}
}

func TestPrunersSaveHalfTheSteps(t *testing.T) {
	const trials = 40
	space := []tune.Param{tune.Float("x", 0, 1)}
	var mu sync.Mutex
	full := 0
	ref := &tune.Study{Space: space, Sampler: tune.Random{}, Seed: 7}
	if err := ref.Optimize(curveObjective(&full, &mu), trials); err != nil {
		t.Fatal(err)
	}
	for _, p := range []tune.Pruner{tune.MedianPruner{}, tune.SuccessiveHalving{}} {
		steps := 0
		s := &tune.Study{Space: space, Sampler: tune.Random{}, Seed: 7, Pruner: p}
		if err := s.Optimize(curveObjective(&steps, &mu), trials); err != nil {
			t.Fatal(err)
		}
		pruned := 0
		for _, tr := range s.Trials() {
			if tr.State == tune.Pruned {
				pruned++
			}
		}
		t.Logf("%T: %d of %d steps, %d trials pruned, best %.5f (no pruning %.5f)", p, steps, full, pruned, bestValue(t, s), bestValue(t, ref))
		if steps > full/2 {
			t.Errorf("%T ran %d of %d steps, want at most half", p, steps, full)
		}
		if bestValue(t, s) > bestValue(t, ref)+1e-3 {
			t.Errorf("%T: best %.5f, without pruning %.5f", p, bestValue(t, s), bestValue(t, ref))
		}
	}
}

func TestMedianPrunerRules(t *testing.T) {
	done := func(vals ...float64) []tune.TrialResult {
		var out []tune.TrialResult
		for i, v := range vals {
			out = append(out, tune.TrialResult{Number: i, State: tune.Complete, Value: v, Steps: []tune.Step{{Step: 0, Value: v}, {Step: 1, Value: v}}})
		}
		return out
	}
	cur := func(steps ...float64) tune.TrialResult {
		t := tune.TrialResult{Number: 99, State: tune.Running}
		for i, v := range steps {
			t.Steps = append(t.Steps, tune.Step{Step: i, Value: v})
		}
		return t
	}
	m := tune.MedianPruner{}
	five := done(1, 2, 3, 4, 5)
	for _, c := range []struct {
		name   string
		p      tune.Pruner
		cur    tune.TrialResult
		others []tune.TrialResult
		dir    tune.Direction
		want   bool
	}{
		{"worse than median", m, cur(3.5), five, tune.Minimize, true},
		{"at the median", m, cur(3), five, tune.Minimize, false},
		{"better than median", m, cur(2.9), five, tune.Minimize, false},
		{"best so far counts", m, cur(2, 9), five, tune.Minimize, false},
		{"maximize", m, cur(2.9), five, tune.Maximize, true},
		{"startup trials", m, cur(100), five[:4], tune.Minimize, false},
		{"warmup", tune.MedianPruner{NWarmupSteps: 1}, cur(100), five, tune.Minimize, false},
		{"after warmup", tune.MedianPruner{NWarmupSteps: 1}, cur(100, 100), five, tune.Minimize, true},
		{"not first in interval", tune.MedianPruner{IntervalSteps: 2}, cur(100, 100), five, tune.Minimize, false},
		{"n min trials", tune.MedianPruner{NMinTrials: 6}, cur(100), five, tune.Minimize, false},
		{"NaN", m, cur(math.NaN()), five, tune.Minimize, true},
		{"no step reported", m, cur(), five, tune.Minimize, false},
	} {
		if got := c.p.Prune(c.cur, c.others, c.dir); got != c.want {
			t.Errorf("%s: prune %v, want %v", c.name, got, c.want)
		}
	}
}

func TestSuccessiveHalvingRungs(t *testing.T) {
	// Rungs at steps 1, 4, 16 (min resource 1, η 4). Eight trials reached rung 0 with values 1…8.
	var others []tune.TrialResult
	for i := range 8 {
		others = append(others, tune.TrialResult{Number: i, State: tune.Pruned, Steps: []tune.Step{{Step: 0, Value: 9}, {Step: 1, Value: float64(i + 1)}}})
	}
	h := tune.SuccessiveHalving{MinResource: 1}
	at := func(v float64) tune.TrialResult {
		return tune.TrialResult{Number: 99, Steps: []tune.Step{{Step: 0, Value: 9}, {Step: 1, Value: v}}}
	}
	// With 9 competitors, promotable index 9/4−1 = 1: the value must be ≤ the 2nd smallest.
	if h.Prune(at(1.5), others, tune.Minimize) {
		t.Error("1.5 is second best at rung 0: pruned")
	}
	if !h.Prune(at(2.5), others, tune.Minimize) {
		t.Error("2.5 is third at rung 0: not pruned")
	}
	if h.Prune(tune.TrialResult{Steps: []tune.Step{{Step: 0, Value: 100}}}, others, tune.Minimize) {
		t.Error("pruned before the first rung")
	}
	if h.Prune(at(7.5), others, tune.Maximize) { // 7.5 ≥ the second largest (7)
		t.Error("7.5 is second largest when maximizing: pruned")
	}
	if (tune.SuccessiveHalving{}).Prune(at(100), others, tune.Minimize) {
		t.Error("auto min resource with no complete trial pruned")
	}
}

func TestRandomSamplerSameTrialsAtAnyParallelism(t *testing.T) {
	space := []tune.Param{tune.Float("a", -1, 1), tune.Int("b", 0, 9), tune.Choice("c", "x", "y", "z")}
	run := func(par int) []tune.TrialResult {
		s := &tune.Study{Space: space, Sampler: tune.Random{}, Seed: 11, Parallel: par}
		err := s.Optimize(func(t *tune.Trial) (float64, error) {
			return t.Float("a") + float64(t.Int("b")) + float64(t.Seed()%7), nil
		}, 24)
		if err != nil {
			t.Fatal(err)
		}
		return s.Trials()
	}
	one, two := run(1), run(2)
	if len(one) != 24 || len(two) != 24 {
		t.Fatalf("%d and %d trials", len(one), len(two))
	}
	for i := range one {
		if one[i].Number != two[i].Number || !reflect.DeepEqual(one[i].Params, two[i].Params) || one[i].Value != two[i].Value {
			t.Fatalf("trial %d: parallel 1 %+v, parallel 2 %+v", i, one[i], two[i])
		}
	}
}

func TestGridTriesEveryCombination(t *testing.T) {
	space := []tune.Param{tune.Choice("act", "relu", "tanh"), tune.Int("layers", 1, 3), tune.Float("lr", 1e-3, 1e-1, tune.Log())}
	s := &tune.Study{Space: space, Sampler: tune.Grid{Points: 3}}
	var got []string
	var mu sync.Mutex
	err := s.Optimize(func(t *tune.Trial) (float64, error) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, fmt.Sprintf("%v/%d/%.4g", t.Choice("act"), t.Int("layers"), t.Float("lr")))
		return 0, nil
	}, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 18 || len(s.Trials()) != 18 {
		t.Fatalf("%d trials, want 2·3·3 = 18: %v", len(got), got)
	}
	want := []string{"relu/1/0.001", "relu/1/0.01", "relu/1/0.1", "relu/2/0.001"}
	if !slices.Equal(got[:4], want) || got[17] != "tanh/3/0.1" {
		t.Errorf("grid order %v", got)
	}
}

func TestJournalResumesWithoutRepeatingTrials(t *testing.T) {
	path := filepath.Join(t.TempDir(), "study.jsonl")
	var mu sync.Mutex
	calls := map[int]int{}
	obj := func(t *tune.Trial) (float64, error) {
		mu.Lock()
		calls[t.Number()]++
		mu.Unlock()
		t.Report(0, 1)
		if t.Number() == 3 {
			return 0, errors.New("diverged")
		}
		return quadratic(t)
	}
	first := &tune.Study{Space: cube(), Seed: 5, Journal: path}
	if err := first.Optimize(obj, 12); err != nil {
		t.Fatal(err)
	}
	second := &tune.Study{Space: cube(), Seed: 5, Journal: path, Parallel: 2}
	if err := second.Optimize(obj, 25); err != nil {
		t.Fatal(err)
	}
	if len(calls) != 25 {
		t.Fatalf("%d distinct trials ran, want 25", len(calls))
	}
	for n, c := range calls {
		if c != 1 {
			t.Errorf("trial %d ran %d times", n, c)
		}
	}
	trials := second.Trials()
	if len(trials) != 25 {
		t.Fatalf("resumed study has %d trials", len(trials))
	}
	for i, a := range first.Trials() {
		b := trials[i]
		if a.Number != b.Number || a.State != b.State || !reflect.DeepEqual(a.Params, b.Params) || !reflect.DeepEqual(a.Steps, b.Steps) ||
			a.Value != b.Value && !(math.IsNaN(a.Value) && math.IsNaN(b.Value)) || a.Duration.Round(time.Microsecond) != b.Duration.Round(time.Microsecond) {
			t.Fatalf("trial %d read back from the journal as %+v, was %+v", i, b, a)
		}
	}
	if trials[3].State != tune.Failed || trials[3].Err != "diverged" || !math.IsNaN(trials[3].Value) {
		t.Errorf("failed trial read back as %+v", trials[3])
	}
	// A third run finds everything done.
	third := &tune.Study{Space: cube(), Seed: 5, Journal: path}
	if err := third.Optimize(obj, 25); err != nil || len(calls) != 25 || len(third.Trials()) != 25 {
		t.Fatalf("third run: %v, %d calls", err, len(calls))
	}
	// Another space or seed is refused.
	other := &tune.Study{Space: cube()[:3], Seed: 5, Journal: path}
	if err := other.Optimize(obj, 25); err == nil || !strings.Contains(err.Error(), "another direction, seed or search space") {
		t.Errorf("journal of another space: %v", err)
	}
	other = &tune.Study{Space: cube(), Seed: 6, Journal: path}
	if err := other.Optimize(obj, 25); err == nil {
		t.Error("journal of another seed: no error")
	}
}

func TestJournalToleratesATornLastLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "study.jsonl")
	s := &tune.Study{Space: cube(), Sampler: tune.Random{}, Seed: 2, Journal: path}
	if err := s.Optimize(quadratic, 6); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(b, []byte("\n"))
	if len(lines) != 8 || len(lines[7]) != 0 { // header, 6 trials, nothing after the last newline
		t.Fatalf("journal has %d lines", len(lines))
	}
	// Crash while writing trial 5: half its line reached the disk.
	torn := append(bytes.Join(lines[:6], nil), lines[6][:len(lines[6])/2]...)
	if err := os.WriteFile(path, torn, 0o644); err != nil {
		t.Fatal(err)
	}
	var ran []int
	r := &tune.Study{Space: cube(), Sampler: tune.Random{}, Seed: 2, Journal: path}
	err = r.Optimize(func(t *tune.Trial) (float64, error) {
		ran = append(ran, t.Number())
		return quadratic(t)
	}, 6)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ran, []int{5}) || len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "torn last line 7") {
		t.Fatalf("reran %v, notes %q", ran, r.Notes)
	}
	if !reflect.DeepEqual(r.Trials()[5].Params, s.Trials()[5].Params) {
		t.Error("the rerun of trial 5 got other parameters")
	}
	after, _ := os.ReadFile(path)
	if !bytes.HasPrefix(after, bytes.Join(lines[:6], nil)) || bytes.Count(after, []byte("\n")) != 7 {
		t.Errorf("journal after resuming:\n%s", after)
	}
	// A bad line that is not the last is corruption, not a crash.
	bad := append(bytes.Join(lines[:3], nil), []byte("{oops\n")...)
	bad = append(bad, bytes.Join(lines[3:], nil)...)
	os.WriteFile(path, bad, 0o644)
	err = (&tune.Study{Space: cube(), Sampler: tune.Random{}, Seed: 2, Journal: path}).Optimize(quadratic, 6)
	if err == nil || !strings.Contains(err.Error(), "line 4") {
		t.Errorf("corrupt middle line: %v", err)
	}
	// A complete last line (with its newline) that does not parse is corruption too.
	os.WriteFile(path, append(bytes.Join(lines[:6], nil), []byte("{oops\n")...), 0o644)
	err = (&tune.Study{Space: cube(), Sampler: tune.Random{}, Seed: 2, Journal: path}).Optimize(quadratic, 6)
	if err == nil || !strings.Contains(err.Error(), "line 7") {
		t.Errorf("corrupt last line with newline: %v", err)
	}
	// A file that is no journal is refused and left alone, even without a final newline.
	for _, foreign := range []string{"a,b,c\n1,2,3", "{}"} {
		os.WriteFile(path, []byte(foreign), 0o644)
		err = (&tune.Study{Space: cube(), Journal: path}).Optimize(quadratic, 6)
		if b, _ := os.ReadFile(path); err == nil || string(b) != foreign {
			t.Errorf("foreign file %q: error %v, file now %q", foreign, err, b)
		}
	}
	// A record whose values are outside the space is refused.
	os.WriteFile(path, append(bytes.Join(lines[:2], nil), []byte(`{"number":1,"state":"complete","params":{},"x":[9,0,0,0],"value":1,"seconds":0}`+"\n")...), 0o644)
	err = (&tune.Study{Space: cube(), Sampler: tune.Random{}, Seed: 2, Journal: path}).Optimize(quadratic, 6)
	if err == nil || !strings.Contains(err.Error(), "not a value of float \"x0\"") {
		t.Errorf("out-of-range journal value: %v", err)
	}
}

func TestStudyErrors(t *testing.T) {
	ok := func(t *tune.Trial) (float64, error) { return 0, nil }
	for _, c := range []struct {
		s    *tune.Study
		want string
	}{
		{&tune.Study{}, "search space is empty"},
		{&tune.Study{Space: []tune.Param{tune.Float("lr", 1, 0)}}, `float "lr": low 1 must not be above high 0`},
		{&tune.Study{Space: []tune.Param{tune.Float("lr", 0, 1, tune.Log())}}, "log scale needs a positive range"},
		{&tune.Study{Space: []tune.Param{tune.Float("lr", math.NaN(), 1)}}, "bounds must be finite"},
		{&tune.Study{Space: []tune.Param{tune.Choice("act")}}, `choice "act" has no values`},
		{&tune.Study{Space: []tune.Param{tune.Choice("act", []int{1})}}, "use strings, bools, ints or float64s"},
		{&tune.Study{Space: []tune.Param{tune.Int("a", 1, 2), tune.Int("a", 1, 2)}}, `"a" appears twice`},
		{&tune.Study{Space: []tune.Param{tune.Int("a", 1, 2)}, Parallel: -1}, "must not be negative"},
		{&tune.Study{Space: []tune.Param{tune.Int("a", 1, 2)}, Journal: filepath.Join(t.TempDir(), "no", "dir.jsonl")}, "no such file"},
	} {
		err := c.s.Optimize(ok, 3)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.s.Space, err, c.want)
		}
	}
	s := &tune.Study{Space: []tune.Param{tune.Int("a", 1, 2)}}
	err := s.Optimize(func(t *tune.Trial) (float64, error) { return t.Float("typo"), nil }, 3)
	if err == nil || !strings.Contains(err.Error(), `all 3 trials failed; the last: panic: tune: the search space has no parameter "typo"`) {
		t.Errorf("objective asking for an unknown parameter: %v", err)
	}
	s = &tune.Study{Space: []tune.Param{tune.Int("a", 1, 2)}}
	err = s.Optimize(func(t *tune.Trial) (float64, error) {
		if t.Number() == 1 {
			return math.NaN(), nil
		}
		return 1, nil
	}, 3)
	if err != nil || s.Trials()[1].State != tune.Failed {
		t.Errorf("NaN objective: %v, %+v", err, s.Trials())
	}
}

func TestParseSpace(t *testing.T) {
	space, err := tune.ParseSpace(map[string]string{
		"lr": "1e-4:1e-1:log", "hidden": "8,16,32", "layers": "1:4", "dropout": "0:0.5",
		"act": "relu,tanh", "batch": "32", "units": "4:256:log", "momentum": "0.9, 0.99",
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range space {
		got = append(got, fmt.Sprintf("%s=%s %T", p.Name, p, p.Choices))
	}
	want := []string{
		"act=relu,tanh []interface {}", "batch=32 []interface {}", "dropout=0:0.5 []interface {}",
		"hidden=8,16,32 []interface {}", "layers=1:4 []interface {}", "lr=0.0001:0.1:log []interface {}",
		"momentum=0.9,0.99 []interface {}", "units=4:256:log []interface {}",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if !reflect.DeepEqual(space[3].Choices, []any{8, 16, 32}) || !reflect.DeepEqual(space[6].Choices, []any{0.9, 0.99}) || !reflect.DeepEqual(space[0].Choices, []any{"relu", "tanh"}) {
		t.Errorf("choice values %#v %#v %#v", space[3].Choices, space[6].Choices, space[0].Choices)
	}
	// Int ranges give Int parameters, float ranges Float ones.
	s := &tune.Study{Space: space, Sampler: tune.Random{}}
	err = s.Optimize(func(t *tune.Trial) (float64, error) {
		_ = t.Int("layers") + t.Int("units") + t.Int("hidden") + t.Int("batch")
		return t.Float("lr") + t.Float("dropout"), nil
	}, 3)
	if err != nil {
		t.Fatal(err)
	}
	for spec, want := range map[string]string{
		"":         "empty spec",
		"1:2:3":    "want lo:hi or lo:hi:log",
		"a:1":      `low "a" is not a number`,
		"1:b":      `high "b" is not a number`,
		"0:1:log":  "log scale needs a positive range",
		"5:1":      "low 5 must not be above high 1",
		"1,,2":     "empty choice",
		"nan,1":    "values must be finite",
		"1e-4:inf": "bounds must be finite",
	} {
		_, err := tune.ParseSpace(map[string]string{"p": spec})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("spec %q: error %v, want %q", spec, err, want)
		}
	}
}

func TestWriteTable(t *testing.T) {
	s := &tune.Study{Space: []tune.Param{tune.Int("layers", 1, 3), tune.Choice("act", "relu", "tanh")}, Sampler: tune.Grid{}}
	err := s.Optimize(func(t *tune.Trial) (float64, error) {
		t.Report(0, 1)
		switch t.Number() {
		case 1:
			return 0, tune.ErrPruned
		case 2:
			return 0, errors.New("out of memory")
		}
		return float64(t.Int("layers")), nil
	}, 4)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := s.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 5 || !strings.HasPrefix(lines[0], "trial  layers  act   value  steps  time  state") {
		t.Fatalf("table:\n%s", b.String())
	}
	for i, want := range []string{"complete", "pruned", "failed", "complete"} {
		if !strings.HasSuffix(lines[i+1], want) {
			t.Errorf("row %d: %q, want state %s", i, lines[i+1], want)
		}
	}
	if f := strings.Fields(lines[2]); f[3] != "1" { // a pruned trial's value is its last report
		t.Errorf("pruned row %q", lines[2])
	}
}

func TestChangingTheSpaceOfAStudyIsAnError(t *testing.T) {
	s := &tune.Study{Space: cube(), Sampler: tune.Random{}}
	if err := s.Optimize(quadratic, 3); err != nil {
		t.Fatal(err)
	}
	s.Space = cube()[:2]
	if err := s.Optimize(quadratic, 6); err == nil || !strings.Contains(err.Error(), "another search space") {
		t.Errorf("error %v", err)
	}
}

// FuzzJournal feeds arbitrary journal files to a study: it must resume or return an error,
// never panic, and never run a trial the journal holds.
func FuzzJournal(f *testing.F) {
	dir := f.TempDir()
	good := filepath.Join(dir, "good.jsonl")
	space := []tune.Param{tune.Float("x", -1, 1), tune.Int("n", 1, 3), tune.Choice("c", "a", "b")}
	obj := func(t *tune.Trial) (float64, error) {
		t.Report(0, t.Float("x"))
		if t.Number() == 1 {
			return 0, tune.ErrPruned
		}
		return t.Float("x") * float64(t.Int("n")), nil
	}
	if err := (&tune.Study{Space: space, Journal: good}).Optimize(obj, 3); err != nil {
		f.Fatal(err)
	}
	b, err := os.ReadFile(good)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add(b[:len(b)-7])
	f.Add([]byte{})
	f.Add([]byte("\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "j.jsonl")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		s := &tune.Study{Space: space, Journal: path}
		err := s.Optimize(obj, 4)
		if err != nil {
			return
		}
		seen := map[int]bool{}
		for _, tr := range s.Trials() {
			if seen[tr.Number] {
				t.Fatalf("trial %d twice", tr.Number)
			}
			seen[tr.Number] = true
		}
		if len(seen) < 4 {
			t.Fatalf("%d trials after resuming", len(seen))
		}
	})
}

// FuzzParseSpace: any spec parses or returns an error, and a parsed space runs a short study
// with every sampler.
func FuzzParseSpace(f *testing.F) {
	for _, s := range []string{"1e-4:1e-1:log", "8,16,32", "1:4", "relu,tanh", "32", "-9000000000000000000:9000000000000000000", "1:1", "0.5:0.5:log"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		space, err := tune.ParseSpace(map[string]string{"p": spec})
		if err != nil {
			return
		}
		for _, smp := range []tune.Sampler{tune.Random{}, tune.Grid{}, tune.TPE{NStartupTrials: 2}} {
			s := &tune.Study{Space: space, Sampler: smp}
			if err := s.Optimize(func(t *tune.Trial) (float64, error) { return 0, nil }, 4); err != nil {
				t.Fatalf("%q with %T: %v", spec, smp, err)
			}
		}
	})
}

func TestWriteTopRanksCompleteThenPrunedThenFailed(t *testing.T) {
	s := &tune.Study{Space: []tune.Param{tune.Int("layers", 1, 5)}, Sampler: tune.Grid{}, Direction: tune.Maximize}
	err := s.Optimize(func(t *tune.Trial) (float64, error) {
		t.Report(0, 10)
		switch t.Int("layers") {
		case 1:
			return 0, tune.ErrPruned
		case 2:
			return 0, errors.New("out of memory")
		}
		return float64(t.Int("layers")), nil
	}, 5)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := s.WriteTop(&b, 4); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	var got []string
	for _, l := range lines[1:] {
		got = append(got, strings.Fields(l)[0])
	}
	// Complete trials 4, 3, 2 (layers 5, 4, 3) by value, then the pruned trial 0.
	if strings.Join(got, " ") != "4 3 2 0" {
		t.Errorf("top trials %v, want 4 3 2 0; table:\n%s", got, b.String())
	}
}

func TestCancelledTrialStopsTheStudyAndIsNotJournaled(t *testing.T) {
	path := filepath.Join(t.TempDir(), "study.jsonl")
	ctx, cancel := context.WithCancel(context.Background())
	s := &tune.Study{Space: cube(), Sampler: tune.Random{}, Journal: path}
	err := s.Optimize(func(t *tune.Trial) (float64, error) {
		if t.Number() == 2 {
			cancel()
		}
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		return quadratic(t)
	}, 10)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if n := len(s.Trials()); n != 2 {
		t.Fatalf("%d trials recorded, want 2 (those finished before the cancellation)", n)
	}
	s2 := &tune.Study{Space: cube(), Sampler: tune.Random{}, Journal: path}
	ran := 0
	if err := s2.Optimize(func(t *tune.Trial) (float64, error) { ran++; return quadratic(t) }, 10); err != nil {
		t.Fatal(err)
	}
	if ran != 8 || len(s2.Trials()) != 10 {
		t.Errorf("resume ran %d trials and holds %d, want 8 and 10", ran, len(s2.Trials()))
	}
}
