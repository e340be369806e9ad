package checkpoint

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/optim"
	"github.com/ember-ml/ember/optim/lr"
	"github.com/ember-ml/ember/serialize"
	"github.com/ember-ml/ember/tensor"
)

// State is everything needed to resume training exactly: the model, the optimizer's
// state (moments, step counts, current hyperparameters), the scheduler's position, the epoch,
// the random generator's state and any extra strings (the fit loop stores its history).
type State struct {
	Model     any
	Optimizer *optim.Optimizer // optional
	Scheduler lr.Scheduler     // optional
	// StepScheduler is a second, per-step schedule (OneCycleLR); optional.
	StepScheduler lr.Scheduler
	// Plateau is a ReduceLROnPlateau whose state is saved too; optional.
	Plateau *lr.Plateau
	Epoch   int // epochs completed
	// Generator is the random source to save and restore (tensor.DefaultGenerator when nil).
	Generator *tensor.Generator
	Extra     map[string]string
}

// Metadata keys of checkpoints.
const (
	metaKind      = "ember.checkpoint"
	metaEpoch     = "ember.epoch"
	metaOptKind   = "ember.optimizer.kind"
	metaOptSteps  = "ember.optimizer.steps"
	metaOptGroups = "ember.optimizer.groups"
	metaSched     = "ember.scheduler.last_epoch"
	metaStepSched = "ember.step_scheduler.last_epoch"
	metaPlateau   = "ember.plateau"
	metaRNG       = "ember.rng"
	metaExtra     = "ember.extra."
)

type groupState struct {
	LR, Momentum, Beta1, InitialLR float64
}

// params lists the optimizer's parameters in group order; their positions name their state.
func params(o *optim.Optimizer) []*tensor.Tensor {
	var ps []*tensor.Tensor
	for _, g := range o.Groups() {
		ps = append(ps, g.Params...)
	}
	return ps
}

// Save writes c atomically as a safetensors file: the model's tensors as
// "model.<name>", the optimizer's buffers as "optimizer.<param index>.<buffer>", and the rest
// as metadata.
func Save(path string, c State) error {
	tensors := map[string]*tensor.Tensor{}
	var names []string
	add := func(name string, t *tensor.Tensor) {
		tensors[name] = t
		names = append(names, name)
	}
	for _, e := range nn.NamedTensors(c.Model) {
		add("model."+e.Name, e.Tensor)
	}
	meta := map[string]string{metaKind: "1", metaEpoch: strconv.Itoa(c.Epoch)}
	if o := c.Optimizer; o != nil {
		steps := map[string]int{}
		for i, p := range params(o) {
			st := o.State(p)
			if st == nil {
				continue
			}
			steps[strconv.Itoa(i)] = st.Step
			for _, b := range slices.Sorted(maps.Keys(st.Buffers)) {
				add(fmt.Sprintf("optimizer.%d.%s", i, b), st.Buffers[b])
			}
		}
		var groups []groupState
		for _, g := range o.Groups() {
			groups = append(groups, groupState{g.LR, g.Momentum, g.Beta1, g.InitialLR})
		}
		meta[metaOptKind] = string(o.Kind())
		meta[metaOptSteps] = mustJSON(steps)
		meta[metaOptGroups] = mustJSON(groups)
	}
	if c.Scheduler != nil {
		meta[metaSched] = strconv.Itoa(c.Scheduler.LastEpoch())
	}
	if c.StepScheduler != nil {
		meta[metaStepSched] = strconv.Itoa(c.StepScheduler.LastEpoch())
	}
	if c.Plateau != nil {
		st := c.Plateau.State()
		// The best metric starts at ±Inf, which JSON numbers cannot hold: it goes as text.
		meta[metaPlateau] = mustJSON(plateauJSON{strconv.FormatFloat(st.Best, 'g', -1, 64), st.NumBad, st.Cooldown, st.Epoch})
	}
	g := c.Generator
	if g == nil {
		g = tensor.DefaultGenerator()
	}
	meta[metaRNG] = base64.StdEncoding.EncodeToString(g.State())
	for k, v := range c.Extra {
		meta[metaExtra+k] = v
	}
	return serialize.WriteSafetensors(path, tensors, names, meta)
}

// plateauJSON is a ReduceLROnPlateau state in checkpoint metadata.
type plateauJSON struct {
	Best     string `json:"best"`
	NumBad   int    `json:"num_bad_epochs"`
	Cooldown int    `json:"cooldown_counter"`
	Epoch    int    `json:"last_epoch"`
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// Load restores a checkpoint into c's model, optimizer, scheduler and generator
// (built the same way as when it was saved) and fills c.Epoch and c.Extra. After an error
// they may be partly restored: rebuild them before training.
func Load(path string, c *State) error {
	f, err := serialize.ReadSafetensors(path)
	if err != nil {
		return err
	}
	if f.Metadata[metaKind] == "" {
		return fmt.Errorf("%s: not an Ember checkpoint (no %q metadata)", path, metaKind)
	}
	fail := func(format string, a ...any) error {
		return fmt.Errorf("%s: checkpoint: "+format, append([]any{path}, a...)...)
	}
	model := map[string]*tensor.Tensor{}
	for name, t := range f.Tensors {
		if rest, ok := strings.CutPrefix(name, "model."); ok {
			model[rest] = t
		}
	}
	if err := nn.LoadStateDict(c.Model, model, true); err != nil {
		return fail("%v", err)
	}
	if c.Epoch, err = strconv.Atoi(f.Metadata[metaEpoch]); err != nil {
		return fail("bad epoch %q", f.Metadata[metaEpoch])
	}
	if o := c.Optimizer; o != nil {
		if kind := f.Metadata[metaOptKind]; kind != string(o.Kind()) {
			return fail("saved with optimizer %q, resuming with %q", kind, o.Kind())
		}
		var steps map[string]int
		var groups []groupState
		if json.Unmarshal([]byte(f.Metadata[metaOptSteps]), &steps) != nil || json.Unmarshal([]byte(f.Metadata[metaOptGroups]), &groups) != nil {
			return fail("malformed optimizer metadata")
		}
		if len(groups) != len(o.Groups()) {
			return fail("%d parameter groups saved, the optimizer has %d", len(groups), len(o.Groups()))
		}
		for i, g := range o.Groups() {
			g.LR, g.Momentum, g.Beta1, g.InitialLR = groups[i].LR, groups[i].Momentum, groups[i].Beta1, groups[i].InitialLR
		}
		ps := params(o)
		for key := range steps {
			if i, err := strconv.Atoi(key); err != nil || i < 0 || i >= len(ps) {
				return fail("optimizer state for parameter %q, but the optimizer has %d", key, len(ps))
			}
		}
		for i, p := range ps {
			step, ok := steps[strconv.Itoa(i)]
			if !ok {
				o.SetState(p, nil)
				continue
			}
			st := &optim.ParamState{Step: step, Buffers: map[string]*tensor.Tensor{}}
			prefix := fmt.Sprintf("optimizer.%d.", i)
			for name, t := range f.Tensors {
				if b, ok := strings.CutPrefix(name, prefix); ok {
					if !slices.Equal(t.Shape(), p.Shape()) || t.DType() != p.DType() {
						return fail("optimizer buffer %s has shape %v %v, parameter %d has %v %v", name, t.Shape(), t.DType(), i, p.Shape(), p.DType())
					}
					st.Buffers[b] = t.Contiguous().Clone()
				}
			}
			o.SetState(p, st)
		}
	}
	if c.Scheduler != nil {
		e, err := strconv.Atoi(f.Metadata[metaSched])
		if err != nil {
			return fail("no scheduler position saved")
		}
		c.Scheduler.SetLastEpoch(e)
	}
	if c.StepScheduler != nil {
		e, err := strconv.Atoi(f.Metadata[metaStepSched])
		if err != nil {
			return fail("no per-step scheduler position saved")
		}
		c.StepScheduler.SetLastEpoch(e)
	}
	if c.Plateau != nil {
		var pj plateauJSON
		if err := json.Unmarshal([]byte(f.Metadata[metaPlateau]), &pj); err != nil {
			return fail("no ReduceLROnPlateau state saved")
		}
		best, err := strconv.ParseFloat(pj.Best, 64)
		if err != nil || pj.NumBad < 0 || pj.Cooldown < 0 || pj.Epoch < 0 {
			return fail("bad ReduceLROnPlateau state %q", f.Metadata[metaPlateau])
		}
		c.Plateau.SetState(lr.PlateauState{Best: best, NumBad: pj.NumBad, Cooldown: pj.Cooldown, Epoch: pj.Epoch})
	}
	if s, ok := f.Metadata[metaRNG]; ok {
		raw, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return fail("bad generator state")
		}
		g := c.Generator
		if g == nil {
			g = tensor.DefaultGenerator()
		}
		if err := g.SetState(raw); err != nil {
			return fail("%v", err)
		}
	}
	c.Extra = map[string]string{}
	for k, v := range f.Metadata {
		if rest, ok := strings.CutPrefix(k, metaExtra); ok {
			c.Extra[rest] = v
		}
	}
	return nil
}
