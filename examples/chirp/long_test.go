//go:build long

package main

import (
	"testing"

	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/tensor"
)

// TestFullRunReachesClaim runs main's configuration (seed 1, 8 epochs on 4,000 windows) and
// checks the package comment's claims: at least 95% at SNR 8 and better than chance at SNR 4,
// with both models. go test -tags long ./examples/chirp
func TestFullRunReachesClaim(t *testing.T) {
	tensor.ManualSeed(1)
	cnn, err := Fit(CNN(), 4000, 8, 1)
	if err != nil {
		t.Fatal(err)
	}
	tensor.ManualSeed(1)
	lstm, err := Fit(&LSTMClassifier{LSTM: nn.LSTM(8, 32, nn.RNNOptions{BatchFirst: true}), Head: nn.Linear(32, 2)}, 4000, 8, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i, snr := range SNRs {
		t.Logf("SNR %2.0f  CNN %.4f  LSTM %.4f", snr, cnn[i], lstm[i])
		switch snr {
		case 8:
			if cnn[i] < 0.95 || lstm[i] < 0.95 {
				t.Errorf("SNR 8: CNN %.4f, LSTM %.4f; the example claims at least 0.95", cnn[i], lstm[i])
			}
		case 4:
			if cnn[i] <= 0.5 || lstm[i] <= 0.5 {
				t.Errorf("SNR 4: CNN %.4f, LSTM %.4f; the example claims better than chance", cnn[i], lstm[i])
			}
		}
	}
}
