package serialize_test

import (
	"path/filepath"
	"strings"
	"testing"

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
	err := serialize.SaveCheckpoint(path, serialize.Checkpoint{Model: first.model, Optimizer: first.opt, Scheduler: first.sched, Epoch: 3,
		Extra: map[string]string{"history": "[1,2,3]"}})
	if err != nil {
		t.Fatal(err)
	}
	tensor.ManualSeed(999) // the resumed process starts from different random state
	second := newRun(12)
	c := serialize.Checkpoint{Model: second.model, Optimizer: second.opt, Scheduler: second.sched}
	if err := serialize.LoadCheckpoint(path, &c); err != nil {
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
	if err := serialize.SaveCheckpoint(path, serialize.Checkpoint{Model: r.model, Optimizer: r.opt, Epoch: 1}); err != nil {
		t.Fatal(err)
	}
	other := nn.Sequential(nn.Linear(2, 8))
	err := serialize.LoadCheckpoint(path, &serialize.Checkpoint{Model: other})
	if err == nil || !strings.Contains(err.Error(), "checkpoint") {
		t.Fatalf("error %v", err)
	}
	sgd := optim.SGD(r.model.Parameters())
	err = serialize.LoadCheckpoint(path, &serialize.Checkpoint{Model: r.model, Optimizer: sgd})
	if err == nil || !strings.Contains(err.Error(), "Adam") {
		t.Fatalf("optimizer mismatch error %v", err)
	}
	if err := serialize.LoadCheckpoint(golden+"torch_mlp.safetensors", &serialize.Checkpoint{Model: r.model}); err == nil {
		t.Fatal("a plain state dict accepted as a checkpoint")
	}
}
