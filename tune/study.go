package tune

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/ember-ml/ember/backend/cpu"
)

// Direction says whether a study looks for the lowest or the highest objective value.
type Direction int

const (
	Minimize Direction = iota // lower values are better (a loss)
	Maximize                  // higher values are better (an accuracy, R²)
)

func (d Direction) String() string {
	if d == Maximize {
		return "maximize"
	}
	return "minimize"
}

// State is how a trial ended.
type State int

const (
	Running  State = iota // not finished yet (seen only by pruners)
	Complete              // the objective returned a value
	Pruned                // the objective returned ErrPruned
	Failed                // the objective returned another error, or NaN
)

func (s State) String() string { return [...]string{"running", "complete", "pruned", "failed"}[s] }

// ErrPruned is what an objective returns (possibly wrapped) to stop a trial that ShouldPrune
// said to stop; the trial's value is the last one it reported.
var ErrPruned = errors.New("tune: trial pruned")

// Step is one intermediate value a trial reported.
type Step struct {
	Step  int
	Value float64
}

// TrialResult is a finished trial (or, for pruners, a running one).
type TrialResult struct {
	Number   int
	State    State
	Params   map[string]any // float64 for a Float, int for an Int, the value of a Choice
	Value    float64        // the objective's value; a pruned trial's last report; NaN if failed
	Steps    []Step         // reports, in order
	Duration time.Duration
	Err      string // why a trial failed
	x        []float64
}

// valueAt returns the value t reported at step.
func (t TrialResult) valueAt(step int) (float64, bool) {
	for _, s := range t.Steps {
		if s.Step == step {
			return s.Value, true
		}
	}
	return 0, false
}

// Trial is a running trial: its parameters, its seed, and the link to the study's pruner.
// Its methods are safe to call from the goroutine running the objective.
type Trial struct {
	number int
	seed   uint64
	params map[string]any
	space  []Param
	study  *Study
	mu     sync.Mutex
	steps  []Step
}

// Number is the trial's number in the study, from 0.
func (t *Trial) Number() int { return t.number }

// Seed is the trial's seed, derived from the study seed and the trial number: seed the
// model's initialisation and data shuffling with it, and a trial's result does not depend on
// how many trials run in parallel.
func (t *Trial) Seed() uint64 { return t.seed }

// Params returns the trial's parameters by name.
func (t *Trial) Params() map[string]any {
	out := make(map[string]any, len(t.params))
	for k, v := range t.params {
		out[k] = v
	}
	return out
}

func (t *Trial) param(name string) any {
	v, ok := t.params[name]
	if !ok {
		panic(fmt.Sprintf("tune: the search space has no parameter %q", name))
	}
	return v
}

// Float returns a Float parameter (or an Int one, converted). It panics if the search
// space has no such parameter.
func (t *Trial) Float(name string) float64 {
	switch v := t.param(name).(type) {
	case float64:
		return v
	case int:
		return float64(v)
	}
	panic(fmt.Sprintf("tune: parameter %q is a choice, not a number; use Choice", name))
}

// Int returns an Int parameter, or a Choice whose value is an int. It panics if the search
// space has no such parameter.
func (t *Trial) Int(name string) int {
	if v, ok := t.param(name).(int); ok {
		return v
	}
	panic(fmt.Sprintf("tune: parameter %q is not an integer", name))
}

// Choice returns a parameter's value as chosen: a Choice's value, a float64 or an int.
func (t *Trial) Choice(name string) any { return t.param(name) }

// Report records the objective's intermediate value at step (an epoch, say), for pruning
// and the results table. Steps should increase; a repeated step is ignored.
func (t *Trial) Report(step int, value float64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, s := range t.steps {
		if s.Step == step {
			return
		}
	}
	t.steps = append(t.steps, Step{step, value})
}

// ShouldPrune asks the study's pruner whether to stop the trial now, after its last Report;
// if so the objective should return ErrPruned. It is always false without a pruner.
func (t *Trial) ShouldPrune() bool {
	if t.study.Pruner == nil {
		return false
	}
	t.mu.Lock()
	cur := TrialResult{Number: t.number, State: Running, Params: t.params, Steps: slices.Clone(t.steps)}
	t.mu.Unlock()
	return t.study.Pruner.Prune(cur, t.study.snapshot(t.number), t.study.Direction)
}

// Study searches a space for the parameters that give the best objective value. Set its
// fields, then call Optimize; zero fields take the defaults given.
type Study struct {
	Space     []Param
	Direction Direction // default Minimize
	Sampler   Sampler   // default TPE{}
	Pruner    Pruner    // default none
	Seed      uint64
	// Parallel is how many trials run at once, on goroutines (default 1).
	Parallel int
	// Threads is how many goroutines Ember's CPU kernels use while trials run (cpu.SetThreads,
	// a process-wide setting restored when Optimize returns). Default: left alone with
	// Parallel 1, else GOMAXPROCS/Parallel (at least 1), so that the trials together use
	// GOMAXPROCS threads.
	Threads int
	// Journal, if set, is a JSONL file that every finished trial is appended to; Optimize
	// resumes from it, skipping the trials it holds.
	Journal string
	// Notes collects what Optimize wants you to know but is no error (a torn last journal
	// line it ignored).
	Notes []string

	mu      sync.Mutex
	done    []TrialResult // finished, in trial order
	running map[int]*Trial
	journal *journal
}

// snapshot returns the study's trials other than number, finished and running, in order.
func (s *Study) snapshot(number int) []TrialResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]TrialResult, 0, len(s.done)+len(s.running))
	for _, t := range s.done {
		if t.Number != number {
			out = append(out, t)
		}
	}
	for n, t := range s.running {
		if n == number {
			continue
		}
		t.mu.Lock()
		out = append(out, TrialResult{Number: n, State: Running, Params: t.params, Steps: slices.Clone(t.steps)})
		t.mu.Unlock()
	}
	slices.SortFunc(out, func(a, b TrialResult) int { return a.Number - b.Number })
	return out
}

// trialSeed mixes the study seed and a trial number (SplitMix64).
func trialSeed(seed uint64, number int) uint64 {
	z := seed ^ (uint64(number)+1)*0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Optimize runs the objective until trials 0 … nTrials−1 have all finished (fewer if a Grid
// runs out), Parallel at a time. Trials already in the study or its journal are not run
// again; a failed trial is recorded and the study goes on. It returns an error for a bad
// space or setting, a journal it cannot read or write, or when every trial it ran failed.
func (s *Study) Optimize(objective func(t *Trial) (float64, error), nTrials int) error {
	if err := checkSpace(s.Space); err != nil {
		return err
	}
	if nTrials < 0 || s.Parallel < 0 || s.Threads < 0 {
		return fmt.Errorf("tune: trials %d, parallel %d and threads %d must not be negative", nTrials, s.Parallel, s.Threads)
	}
	if s.Direction != Minimize && s.Direction != Maximize {
		return fmt.Errorf("tune: unknown direction %d", s.Direction)
	}
	sampler := s.Sampler
	if sampler == nil {
		sampler = TPE{}
	}
	if g, ok := sampler.(sizedSampler); ok {
		nTrials = min(nTrials, g.size(s.Space))
	}
	if s.Journal != "" && s.journal == nil {
		j, done, notes, err := openJournal(s.Journal, s.header())
		if err != nil {
			return err
		}
		for i := range done {
			if err := s.restore(&done[i]); err != nil {
				j.close()
				return fmt.Errorf("tune: journal %s: %w", s.Journal, err)
			}
		}
		s.journal, s.Notes = j, append(s.Notes, notes...)
		s.done = mergeDone(s.done, done)
	}
	if s.journal != nil {
		defer func() { s.journal.close(); s.journal = nil }()
	}
	parallel := max(s.Parallel, 1)
	if threads := s.Threads; threads > 0 || parallel > 1 {
		if threads == 0 {
			threads = max(1, runtime.GOMAXPROCS(0)/parallel)
		}
		prev := cpu.Threads()
		cpu.SetThreads(threads)
		defer cpu.SetThreads(prev)
	}

	s.mu.Lock()
	s.running = map[int]*Trial{}
	finished := map[int]bool{}
	for _, t := range s.done {
		finished[t.Number] = true
		if err := s.restore(&t); err != nil {
			s.mu.Unlock()
			return fmt.Errorf("tune: the study's trials were run with another search space: %w", err)
		}
	}
	s.mu.Unlock()
	var todo []int
	for n := range nTrials {
		if !finished[n] {
			todo = append(todo, n)
		}
	}
	var (
		wg               sync.WaitGroup
		next             = make(chan int)
		firstErr         error
		errMu            sync.Mutex
		ran, failedCount int
	)
	setErr := func(err error) {
		errMu.Lock()
		defer errMu.Unlock()
		if firstErr == nil {
			firstErr = err
		}
	}
	for range parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range next {
				errMu.Lock()
				stop := firstErr != nil
				errMu.Unlock()
				if stop {
					continue // the study is stopping: start no new trial
				}
				res, err := s.runTrial(objective, sampler, n)
				if err != nil {
					setErr(err)
					continue
				}
				errMu.Lock()
				ran++
				if res.State == Failed {
					failedCount++
				}
				errMu.Unlock()
			}
		}()
	}
	for _, n := range todo {
		errMu.Lock()
		stop := firstErr != nil
		errMu.Unlock()
		if stop {
			break
		}
		next <- n
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	if ran > 0 && failedCount == ran {
		last := s.Trials()
		return fmt.Errorf("tune: all %d trials failed; the last: %s", ran, lastErr(last))
	}
	return nil
}

func lastErr(ts []TrialResult) string {
	for i := len(ts) - 1; i >= 0; i-- {
		if ts[i].State == Failed {
			return ts[i].Err
		}
	}
	return ""
}

// mergeDone adds the journal's trials to those already in memory, by number.
func mergeDone(have, add []TrialResult) []TrialResult {
	seen := map[int]bool{}
	for _, t := range have {
		seen[t.Number] = true
	}
	for _, t := range add {
		if !seen[t.Number] {
			have = append(have, t)
		}
	}
	slices.SortFunc(have, func(a, b TrialResult) int { return a.Number - b.Number })
	return have
}

// runTrial samples, runs and records trial n. Its error is a sampler or journal error, or an
// interruption, that stops the study; the objective's other errors make a Failed trial.
func (s *Study) runTrial(objective func(*Trial) (float64, error), sampler Sampler, n int) (TrialResult, error) {
	seed := trialSeed(s.Seed, n)
	rng := rand.New(rand.NewPCG(seed, seed^0x6a09e667f3bcc909))
	s.mu.Lock()
	done := slices.Clone(s.done)
	s.mu.Unlock()
	x, err := sampler.Sample(s.Space, n, rng, done, s.Direction)
	if err != nil {
		return TrialResult{}, fmt.Errorf("tune: sampling trial %d: %w", n, err)
	}
	if len(x) != len(s.Space) {
		return TrialResult{}, fmt.Errorf("tune: sampler gave %d values for %d parameters", len(x), len(s.Space))
	}
	params := map[string]any{}
	for i, p := range s.Space {
		if !p.valid(x[i]) {
			return TrialResult{}, fmt.Errorf("tune: sampler gave %v for %s %q, outside %s", x[i], p.kind, p.Name, p)
		}
		params[p.Name] = p.value(x[i])
	}
	t := &Trial{number: n, seed: seed, params: params, space: s.Space, study: s}
	s.mu.Lock()
	s.running[n] = t
	s.mu.Unlock()
	start := time.Now()
	value, err := callObjective(objective, t)
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		// Interrupted, not failed: leave the trial out of the study and its journal, so
		// that a rerun runs it again, and stop the study.
		s.mu.Lock()
		delete(s.running, n)
		s.mu.Unlock()
		return TrialResult{}, fmt.Errorf("tune: trial %d interrupted: %w", n, err)
	}
	res := TrialResult{Number: n, Params: params, x: x, Duration: time.Since(start)}
	t.mu.Lock()
	res.Steps = slices.Clone(t.steps)
	t.mu.Unlock()
	switch {
	case errors.Is(err, ErrPruned):
		res.State, res.Value = Pruned, math.NaN()
		if len(res.Steps) > 0 {
			res.Value = res.Steps[len(res.Steps)-1].Value
		}
	case err != nil:
		res.State, res.Value, res.Err = Failed, math.NaN(), err.Error()
	case math.IsNaN(value):
		res.State, res.Value, res.Err = Failed, value, "the objective returned NaN"
	default:
		res.State, res.Value = Complete, value
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.running, n)
	if s.journal != nil {
		if err := s.journal.append(res); err != nil {
			return res, err
		}
	}
	i, _ := slices.BinarySearchFunc(s.done, n, func(t TrialResult, n int) int { return t.Number - n })
	s.done = slices.Insert(s.done, i, res)
	return res, nil
}

// callObjective runs the objective, turning a panic into a failed trial's error so one bad
// configuration does not take down a long study.
func callObjective(objective func(*Trial) (float64, error), t *Trial) (v float64, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return objective(t)
}

// restore rebuilds the internal values of a trial read from a journal from its parameters.
func (s *Study) restore(t *TrialResult) error {
	if len(t.x) != len(s.Space) {
		return fmt.Errorf("trial %d has %d parameters, the space %d", t.Number, len(t.x), len(s.Space))
	}
	t.Params = map[string]any{}
	for i, p := range s.Space {
		if !p.valid(t.x[i]) {
			return fmt.Errorf("trial %d: %v is not a value of %s %q (%s)", t.Number, t.x[i], p.kind, p.Name, p)
		}
		t.Params[p.Name] = p.value(t.x[i])
	}
	return nil
}

// Trials returns the finished trials in trial order.
func (s *Study) Trials() []TrialResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.done)
}

// Best returns the complete trial with the best value (the lowest-numbered one on ties), and
// false if no trial completed.
func (s *Study) Best() (TrialResult, bool) {
	var best TrialResult
	found := false
	for _, t := range s.Trials() {
		if t.State != Complete {
			continue
		}
		if !found || s.Direction == Minimize && t.Value < best.Value || s.Direction == Maximize && t.Value > best.Value {
			best, found = t, true
		}
	}
	return best, found
}

// WriteTable writes the finished trials as an aligned text table: number, parameters (in
// space order), value, steps reported, wall time and state.
func (s *Study) WriteTable(w io.Writer) error { return s.writeTable(w, s.Trials()) }

// WriteTop writes WriteTable's table of the n best finished trials, best first: complete
// trials by value, then pruned ones by their last value, then failed ones. Ties keep trial
// order.
func (s *Study) WriteTop(w io.Writer, n int) error {
	ts := s.Trials()
	better := func(a, b float64) bool { return s.Direction == Maximize && a > b || s.Direction == Minimize && a < b }
	rank := map[State]int{Complete: 0, Pruned: 1, Failed: 2}
	slices.SortStableFunc(ts, func(a, b TrialResult) int {
		switch {
		case rank[a.State] != rank[b.State]:
			return rank[a.State] - rank[b.State]
		case math.IsNaN(a.Value) != math.IsNaN(b.Value):
			if math.IsNaN(a.Value) {
				return 1
			}
			return -1
		case better(a.Value, b.Value):
			return -1
		case better(b.Value, a.Value):
			return 1
		}
		return 0
	})
	return s.writeTable(w, ts[:min(max(n, 0), len(ts))])
}

func (s *Study) writeTable(w io.Writer, trials []TrialResult) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := []string{"trial"}
	for _, p := range s.Space {
		head = append(head, p.Name)
	}
	head = append(head, "value", "steps", "time", "state")
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for _, t := range trials {
		row := []string{fmt.Sprint(t.Number)}
		for _, p := range s.Space {
			row = append(row, formatValue(t.Params[p.Name]))
		}
		row = append(row, formatValue(t.Value), fmt.Sprint(len(t.Steps)), t.Duration.Round(time.Millisecond).String(), t.State.String())
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	return tw.Flush()
}

func formatValue(v any) string {
	if f, ok := v.(float64); ok {
		return fmt.Sprintf("%.4g", f)
	}
	return fmt.Sprint(v)
}
