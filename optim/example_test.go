package optim_test

import (
	"fmt"

	"github.com/ember-ml/ember/optim"
	"github.com/ember-ml/ember/optim/lr"
	"github.com/ember-ml/ember/tensor"
)

// quadraticStep computes f(w) = (w − 3)², fills w's gradient 2(w − 3) with Backward and
// applies one update.
func quadraticStep(opt *optim.Optimizer, w *tensor.Tensor) float64 {
	opt.ZeroGrad()
	loss := w.SubScalar(3).Square().Sum()
	loss.Backward()
	opt.Step()
	return loss.Item()
}

// SGD minimises f(w) = (w − 3)² from w = 0: with learning rate 0.1 each step moves w a fifth
// of the way to 3.
func ExampleSGD() {
	w := tensor.Zeros(1).SetRequiresGrad(true)
	opt := optim.SGD([]*tensor.Tensor{w}, optim.LR(0.1))
	for step := 1; step <= 30; step++ {
		loss := quadraticStep(opt, w)
		if step%10 == 0 {
			fmt.Printf("step %d: loss before %.4f, w %.4f\n", step, loss, w.Item())
		}
	}
	// Output:
	// step 10: loss before 0.1621, w 2.6779
	// step 20: loss before 0.0019, w 2.9654
	// step 30: loss before 0.0000, w 2.9963
}

// Adam minimises the same f(w) = (w − 3)²: its steps are about lr long whatever the
// gradient's size, so w walks towards 3 and then settles.
func ExampleAdam() {
	w := tensor.Zeros(1).SetRequiresGrad(true)
	opt := optim.Adam([]*tensor.Tensor{w}, optim.LR(0.1))
	for step := 1; step <= 200; step++ {
		quadraticStep(opt, w)
		if step%50 == 0 {
			fmt.Printf("step %d: w %.2f\n", step, w.Item())
		}
	}
	// Output:
	// step 50: w 3.17
	// step 100: w 2.98
	// step 150: w 3.00
	// step 200: w 3.00
}

// ClipGradNorm rescales gradients whose combined 2-norm exceeds the limit.
func ExampleClipGradNorm() {
	w := tensor.Zeros(2).SetRequiresGrad(true)
	w.SetGrad(tensor.FromSlice([]float32{3, 4}, 2))
	norm := optim.ClipGradNorm([]*tensor.Tensor{w}, 1, 2)
	fmt.Println("norm before:", norm)
	fmt.Printf("clipped gradient: %.4f\n", w.Grad().Float32s())
	// Output:
	// norm before: 5
	// clipped gradient: [0.6000 0.8000]
}

// A StepLR schedule halves the learning rate every 2 epochs; Step is called after each
// epoch's optimizer steps.
func Example_stepLR() {
	w := tensor.Zeros(1).SetRequiresGrad(true)
	opt := optim.SGD([]*tensor.Tensor{w}, optim.LR(0.1), optim.Momentum(0.9))
	sched := lr.StepLR(opt, 2, 0.5)
	for epoch := range 5 {
		fmt.Printf("epoch %d: lr %.4f\n", epoch, sched.LastLR()[0])
		quadraticStep(opt, w)
		sched.Step()
	}
	// Output:
	// epoch 0: lr 0.1000
	// epoch 1: lr 0.1000
	// epoch 2: lr 0.0500
	// epoch 3: lr 0.0500
	// epoch 4: lr 0.0250
}
