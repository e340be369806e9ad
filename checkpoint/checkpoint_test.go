package checkpoint_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/ember-ml/ember/checkpoint"
	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/data/synth"
	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/optim"
	"github.com/ember-ml/ember/optim/lr"
	"github.com/ember-ml/ember/serialize"
	"github.com/ember-ml/ember/tensor"
)

type run struct {
	model  *nn.SequentialContainer
	opt    *optim.Optimizer
	sched  lr.Scheduler
	loader *data.DataLoader
}

// newRun builds the same training setup from a seed: dropout makes the run depend on the
// default generator, Adam on its moments, the schedule on its position, the loader on its
// epoch.
func newRun(seed uint64) run {
	tensor.ManualSeed(seed)
	X, y := synth.Moons(200, synth.Noise(0.1), synth.Seed(1))
	ds, _ := data.NewTensorDataset(X, y.Float())
	model := nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Dropout(0.2), nn.Linear(16, 1), nn.FlattenDims(0, -1))
	opt := optim.Adam(model.Parameters(), optim.LR(0.02))
	return run{model, opt, lr.StepLR(opt, 2, 0.5), data.Loader(ds, 16, data.Shuffle(5))}
}

func (r run) epochs(n int) {
	loss := nn.BCEWithLogitsLoss()
	for range n {
		nn.Train(r.model)
		for b := range r.loader.All() {
			l := loss(r.model.Forward(b.X), b.Y)
			r.opt.ZeroGrad()
			l.Backward()
			r.opt.Step()
		}
		r.sched.Step()
	}
}

// TestResumeIsBitIdentical splits a run in two with a checkpoint between: the final weights
// must equal those of the uninterrupted run bit for bit.
func TestResumeIsBitIdentical(t *testing.T) {
	straight := newRun(11)
	straight.epochs(6)

	first := newRun(11)
	first.epochs(3)
	path := filepath.Join(t.TempDir(), "ckpt.safetensors")
	err := checkpoint.Save(path, checkpoint.State{Model: first.model, Optimizer: first.opt, Scheduler: first.sched, Epoch: 3,
		Extra: map[string]string{"history": "[1,2,3]"}})
	if err != nil {
		t.Fatal(err)
	}
	tensor.ManualSeed(999) // the resumed process starts from different random state
	second := newRun(12)
	c := checkpoint.State{Model: second.model, Optimizer: second.opt, Scheduler: second.sched}
	if err := checkpoint.Load(path, &c); err != nil {
		t.Fatal(err)
	}
	if c.Epoch != 3 || c.Extra["history"] != "[1,2,3]" {
		t.Fatalf("epoch %d extra %v", c.Epoch, c.Extra)
	}
	second.loader.SetEpoch(c.Epoch)
	second.epochs(3)
	want, got := nn.NamedTensors(straight.model), nn.NamedTensors(second.model)
	for i := range want {
		a, b := want[i].Tensor.Float32s(), got[i].Tensor.Float32s()
		for j := range a {
			if a[j] != b[j] {
				t.Fatalf("%s[%d]: resumed %v, uninterrupted %v", want[i].Name, j, b[j], a[j])
			}
		}
	}
	if second.opt.Groups()[0].LR != straight.opt.Groups()[0].LR {
		t.Fatal("learning rate schedule not restored")
	}
}

func TestCheckpointMismatchIsAnError(t *testing.T) {
	r := newRun(1)
	r.epochs(1)
	path := filepath.Join(t.TempDir(), "c.safetensors")
	if err := checkpoint.Save(path, checkpoint.State{Model: r.model, Optimizer: r.opt, Epoch: 1}); err != nil {
		t.Fatal(err)
	}
	other := nn.Sequential(nn.Linear(2, 8))
	err := checkpoint.Load(path, &checkpoint.State{Model: other})
	if err == nil || !strings.Contains(err.Error(), "checkpoint") {
		t.Fatalf("error %v", err)
	}
	sgd := optim.SGD(r.model.Parameters())
	err = checkpoint.Load(path, &checkpoint.State{Model: r.model, Optimizer: sgd})
	if err == nil || !strings.Contains(err.Error(), "Adam") {
		t.Fatalf("optimizer mismatch error %v", err)
	}
	if err := checkpoint.Load(golden+"torch_mlp.safetensors", &checkpoint.State{Model: r.model}); err == nil {
		t.Fatal("a plain state dict accepted as a checkpoint")
	}
}

// TestCorruptCheckpointIsAnError edits a saved checkpoint's metadata: each bad value is an
// error naming it, never a panic.
func TestCorruptCheckpointIsAnError(t *testing.T) {
	r := newRun(1)
	r.epochs(1)
	dir := t.TempDir()
	path := filepath.Join(dir, "c.safetensors")
	if err := checkpoint.Save(path, checkpoint.State{Model: r.model, Optimizer: r.opt, Scheduler: r.sched, Epoch: 1}); err != nil {
		t.Fatal(err)
	}
	for key, c := range map[string]struct{ value, want string }{
		"ember.epoch":                {"x", "bad epoch"},
		"ember.optimizer.steps":      {`{"99":1}`, "optimizer state for parameter \"99\""},
		"ember.optimizer.groups":     {"[", "malformed optimizer metadata"},
		"ember.scheduler.last_epoch": {"", "no scheduler position"},
		"ember.rng":                  {"!!", "bad generator state"},
	} {
		f, err := serialize.ReadSafetensors(path)
		if err != nil {
			t.Fatal(err)
		}
		f.Metadata[key] = c.value
		bad := filepath.Join(dir, "bad.safetensors")
		if err := serialize.WriteSafetensors(bad, f.Tensors, f.Names, f.Metadata); err != nil {
			t.Fatal(err)
		}
		fresh := newRun(1)
		err = checkpoint.Load(bad, &checkpoint.State{Model: fresh.model, Optimizer: fresh.opt, Scheduler: fresh.sched})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s=%q: error %v, want %q", key, c.value, err, c.want)
		}
	}
}
