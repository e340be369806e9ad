package tune

import (
	"math"
	"slices"
)

// Pruner decides whether a running trial should stop early, from the values it reported.
type Pruner interface {
	// Prune reports whether cur (a running trial with the steps it reported so far) should
	// stop, given the study's other trials, finished and running, in trial order.
	Prune(cur TrialResult, others []TrialResult, dir Direction) bool
}

// MedianPruner stops a trial whose best value so far is worse than the median of the
// complete trials' values at the same step, with the semantics of Optuna's MedianPruner:
// nothing is pruned before NStartupTrials trials (default 5) have completed, before step
// NWarmupSteps (default 0), at steps that are not the first report in an interval of
// IntervalSteps (default 1) steps counted from NWarmupSteps, or when fewer than NMinTrials
// (default 1) complete trials reported the step. A NaN best value is always pruned.
// Zero fields take the defaults.
type MedianPruner struct {
	NStartupTrials, NWarmupSteps, IntervalSteps, NMinTrials int
}

// Prune applies the median rule to cur's last reported step.
func (m MedianPruner) Prune(cur TrialResult, others []TrialResult, dir Direction) bool {
	startup, interval, minTrials := orDefault(m.NStartupTrials, 5), orDefault(m.IntervalSteps, 1), orDefault(m.NMinTrials, 1)
	var complete []TrialResult
	for _, t := range others {
		if t.State == Complete {
			complete = append(complete, t)
		}
	}
	if len(complete) == 0 || len(complete) < startup || len(cur.Steps) == 0 {
		return false
	}
	step := cur.Steps[len(cur.Steps)-1].Step
	if step < m.NWarmupSteps || !firstInInterval(step, cur.Steps, m.NWarmupSteps, interval) {
		return false
	}
	best := math.NaN()
	for _, s := range cur.Steps {
		if math.IsNaN(best) || dir == Maximize && s.Value > best || dir == Minimize && s.Value < best {
			best = s.Value
		}
	}
	if math.IsNaN(best) {
		return true
	}
	var at []float64 // values at step, NaN ones left out of the median (np.nanpercentile)
	reported := 0
	for _, t := range complete {
		if v, ok := t.valueAt(step); ok {
			reported++
			if !math.IsNaN(v) {
				at = append(at, v)
			}
		}
	}
	if reported < minTrials || len(at) == 0 {
		return false
	}
	med := median(at)
	if dir == Maximize {
		return best < med
	}
	return best > med
}

func orDefault(v, d int) int {
	if v <= 0 {
		return d
	}
	return v
}

// firstInInterval is Optuna's _is_first_in_interval_step: whether no earlier report of the
// trial falls in the pruning interval that step is in.
func firstInInterval(step int, steps []Step, warmup, interval int) bool {
	nearest := (step-warmup)/interval*interval + warmup
	second := -1
	for _, s := range steps {
		if s.Step > second && s.Step != step {
			second = s.Step
		}
	}
	return second < nearest
}

// median is NumPy's percentile 50 with linear interpolation.
func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return s[n/2-1] + 0.5*(s[n/2]-s[n/2-1])
}

// SuccessiveHalving is asynchronous successive halving (ASHA), with the semantics of
// Optuna's SuccessiveHalvingPruner: rung r is reached at step MinResource·η^(MinEarlyStoppingRate+r)
// (η = ReductionFactor, default 4); a trial that reaches a rung is promoted past it only if
// its value there is in the best 1/η of all values recorded at that rung so far (the best
// one while fewer than η trials have reached it), else it is pruned. MinResource 0 means
// Optuna's "auto": the largest last step of the complete trials divided by 100 (at least 1),
// with nothing pruned until a trial completes. Call ShouldPrune after every Report: a
// trial's rung value is its value at the first reported step at or past the rung.
type SuccessiveHalving struct {
	MinResource, ReductionFactor, MinEarlyStoppingRate, BootstrapCount int
}

// Prune applies successive halving to cur's last reported step.
func (h SuccessiveHalving) Prune(cur TrialResult, others []TrialResult, dir Direction) bool {
	if len(cur.Steps) == 0 {
		return false
	}
	eta := orDefault(h.ReductionFactor, 4)
	minRes := h.MinResource
	if minRes <= 0 {
		last := -1
		for _, t := range others {
			if t.State == Complete && len(t.Steps) > 0 {
				last = max(last, t.Steps[len(t.Steps)-1].Step)
			}
		}
		if last < 0 {
			return false
		}
		minRes = max(last/100, 1)
	}
	step := cur.Steps[len(cur.Steps)-1].Step
	for r := 0; ; r++ {
		promotion := minRes
		for range h.MinEarlyStoppingRate + r {
			promotion *= eta
		}
		at, value, ok := rungValue(cur, promotion)
		if !ok {
			return false
		}
		if at != step {
			continue // this rung was passed at an earlier report
		}
		if math.IsNaN(value) {
			return true
		}
		competing := []float64{value}
		for _, t := range others {
			if _, v, ok := rungValue(t, promotion); ok {
				competing = append(competing, v)
			}
		}
		if len(competing) <= h.BootstrapCount {
			return true
		}
		if !promotable(value, competing, eta, dir) {
			return true
		}
	}
}

// rungValue returns t's first reported step at or past promotion and its value there.
func rungValue(t TrialResult, promotion int) (step int, value float64, ok bool) {
	for _, s := range t.Steps {
		if s.Step >= promotion {
			return s.Step, s.Value, true
		}
	}
	return 0, 0, false
}

// promotable is Optuna's _is_trial_promotable_to_next_rung.
func promotable(value float64, competing []float64, eta int, dir Direction) bool {
	idx := len(competing)/eta - 1
	if idx == -1 {
		idx = 0
	}
	s := slices.Clone(competing)
	slices.SortFunc(s, func(a, b float64) int { // NaN last
		switch {
		case math.IsNaN(a) && math.IsNaN(b):
			return 0
		case math.IsNaN(a):
			return 1
		case math.IsNaN(b), a < b:
			return -1
		case a > b:
			return 1
		}
		return 0
	})
	if dir == Maximize {
		return value >= s[len(s)-1-idx]
	}
	return value <= s[idx]
}
