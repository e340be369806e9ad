package tensor_test

import (
	"fmt"
	"testing"

	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/tensor/tensortest"
)

// TestPrintMatchesPyTorch compares String with PyTorch's str() (testdata/golden/gen_print.py).
func TestPrintMatchesPyTorch(t *testing.T) {
	var file struct {
		Cases []struct {
			Name string `json:"name"`
			tensortest.Array
			Mode string `json:"mode"`
			Str  string `json:"str"`
		} `json:"cases"`
	}
	if err := tensortest.LoadJSON("../testdata/golden/print.json", &file); err != nil {
		t.Fatal(err)
	}
	for _, c := range file.Cases {
		t.Run(c.Name, func(t *testing.T) {
			x := c.MustTensor()
			switch c.Mode {
			case "leaf":
				x.SetRequiresGrad(true)
			case "mul":
				x = x.SetRequiresGrad(true).MulScalar(1)
			}
			if got := x.String(); got != c.Str {
				t.Errorf("got\n%s\nwant\n%s", got, c.Str)
			}
		})
	}
}

func ExampleTensor_String() {
	x := tensor.FromRows([][]float32{{1, 2.5}, {-3, 4}}).SetRequiresGrad(true)
	y := x.MulScalar(2).Sum()
	y.Backward()
	fmt.Println(x)
	fmt.Println(y)
	fmt.Println(x.Grad())
	// Output:
	// tensor([[ 1.0000,  2.5000],
	//         [-3.0000,  4.0000]], requires_grad=True)
	// tensor(9., grad_fn=<SumBackward0>)
	// tensor([[2., 2.],
	//         [2., 2.]])
}
