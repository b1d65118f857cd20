;; Elementwise maps and reductions in WebAssembly SIMD (four float32 lanes), the engine's fast
;; path for float32 arrays (engine/kernels/wasmElementwise.ts copies the operands in and out).
;;
;; Maps: out[i] = f(x[i]) for i < n, n a multiple of 4 (the caller pads; what the padding holds is
;; computed and thrown away). The functions are Cephes' single-precision ones (S. L. Moshier's
;; expf, logf, tanhf: a range reduction and a short polynomial), in vector form: within a few
;; units in the last place of the correctly rounded result (the test measures it against float64:
;; engine/kernels/wasmElementwise.ts names the bound), with IEEE special values: NaN propagates,
;; exp(±∞) = ∞, 0; log(0) = −∞, log(x < 0) = NaN; results that are subnormal come out subnormal.
;;
;; Reductions over contiguous lanes (out[p] from x[p·reduced …]) sum in float64 as the JS kernels
;; do, in another order; max and min propagate NaN as NumPy does.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; e^x for four lanes: x = n·ln 2 + r with |r| ≤ ln 2 / 2 (ln 2 in two parts, so that n·C1 is
  ;; exact), e^r by a degree-7 polynomial, 2^n applied in two halves so that n from −150 to 128
  ;; (subnormal results, and e^x just below the float32 maximum) needs no special case.
  (func $expv (param $x v128) (result v128)
    (local $n v128) (local $r v128) (local $p v128) (local $ni v128) (local $n1 v128)
    (local.set $x (f32x4.min (f32x4.max (local.get $x) (v128.const f32x4 -104 -104 -104 -104))
      (v128.const f32x4 88.8 88.8 88.8 88.8)))
    (local.set $n (f32x4.nearest (f32x4.mul (local.get $x) (v128.const f32x4 1.44269504088896341 1.44269504088896341 1.44269504088896341 1.44269504088896341))))
    (local.set $r (f32x4.sub
      (f32x4.sub (local.get $x) (f32x4.mul (local.get $n) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
      (f32x4.mul (local.get $n) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
    (local.set $p (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
    (local.set $p (f32x4.add
      (f32x4.add (f32x4.mul (f32x4.mul (local.get $p) (local.get $r)) (local.get $r)) (local.get $r))
      (v128.const f32x4 1 1 1 1)))
    ;; 2^n as 2^n1 · 2^(n − n1), each a float32 built from its exponent bits (NaN gives n = 0)
    (local.set $ni (i32x4.trunc_sat_f32x4_s (local.get $n)))
    (local.set $n1 (i32x4.shr_s (local.get $ni) (i32.const 1)))
    (f32x4.mul
      (f32x4.mul (local.get $p) (i32x4.shl (i32x4.add (local.get $n1) (v128.const i32x4 127 127 127 127)) (i32.const 23)))
      (i32x4.shl (i32x4.add (i32x4.sub (local.get $ni) (local.get $n1)) (v128.const i32x4 127 127 127 127)) (i32.const 23))))

  ;; ln x for four lanes: x = m·2^e with m in [√½, √2), ln m = (m − 1) − (m − 1)²/2 + (m − 1)³·P(m − 1),
  ;; ln 2 in two parts; subnormal x scaled by 2^23 first; then the special values.
  (func $logv (param $x v128) (result v128)
    (local $s v128) (local $tiny v128) (local $e v128) (local $m v128) (local $small v128) (local $z v128) (local $y v128) (local $r v128)
    (local.set $tiny (f32x4.lt (local.get $x) (v128.const f32x4 1.17549435e-38 1.17549435e-38 1.17549435e-38 1.17549435e-38)))
    (local.set $s (v128.bitselect (f32x4.mul (local.get $x) (v128.const f32x4 8388608 8388608 8388608 8388608)) (local.get $x) (local.get $tiny)))
    (local.set $e (f32x4.convert_i32x4_s (i32x4.sub
      (i32x4.sub (v128.and (i32x4.shr_u (local.get $s) (i32.const 23)) (v128.const i32x4 255 255 255 255)) (v128.const i32x4 126 126 126 126))
      (v128.and (local.get $tiny) (v128.const i32x4 23 23 23 23)))))
    (local.set $m (v128.or (v128.and (local.get $s) (v128.const i32x4 0x807fffff 0x807fffff 0x807fffff 0x807fffff)) (v128.const i32x4 0x3f000000 0x3f000000 0x3f000000 0x3f000000)))
    ;; m in [0.5, 1): below √½ take 2m − 1 and e − 1, else m − 1
    (local.set $small (f32x4.lt (local.get $m) (v128.const f32x4 0.707106781186547524 0.707106781186547524 0.707106781186547524 0.707106781186547524)))
    (local.set $e (f32x4.sub (local.get $e) (v128.and (local.get $small) (v128.const f32x4 1 1 1 1))))
    (local.set $m (f32x4.sub (f32x4.add (local.get $m) (v128.and (local.get $small) (local.get $m))) (v128.const f32x4 1 1 1 1)))
    (local.set $z (f32x4.mul (local.get $m) (local.get $m)))
    (local.set $y (v128.const f32x4 7.0376836292e-2 7.0376836292e-2 7.0376836292e-2 7.0376836292e-2))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $m)) (v128.const f32x4 -1.1514610310e-1 -1.1514610310e-1 -1.1514610310e-1 -1.1514610310e-1)))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $m)) (v128.const f32x4 1.1676998740e-1 1.1676998740e-1 1.1676998740e-1 1.1676998740e-1)))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $m)) (v128.const f32x4 -1.2420140846e-1 -1.2420140846e-1 -1.2420140846e-1 -1.2420140846e-1)))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $m)) (v128.const f32x4 1.4249322787e-1 1.4249322787e-1 1.4249322787e-1 1.4249322787e-1)))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $m)) (v128.const f32x4 -1.6668057665e-1 -1.6668057665e-1 -1.6668057665e-1 -1.6668057665e-1)))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $m)) (v128.const f32x4 2.0000714765e-1 2.0000714765e-1 2.0000714765e-1 2.0000714765e-1)))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $m)) (v128.const f32x4 -2.4999993993e-1 -2.4999993993e-1 -2.4999993993e-1 -2.4999993993e-1)))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $m)) (v128.const f32x4 3.3333331174e-1 3.3333331174e-1 3.3333331174e-1 3.3333331174e-1)))
    (local.set $y (f32x4.mul (f32x4.mul (local.get $y) (local.get $m)) (local.get $z)))
    (local.set $y (f32x4.add (local.get $y) (f32x4.mul (local.get $e) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
    (local.set $y (f32x4.sub (local.get $y) (f32x4.mul (local.get $z) (v128.const f32x4 0.5 0.5 0.5 0.5))))
    (local.set $r (f32x4.add (f32x4.add (local.get $m) (local.get $y)) (f32x4.mul (local.get $e) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375))))
    ;; ln ±0 = −∞; ln of a negative number or NaN = NaN; ln ∞ = ∞
    (local.set $r (v128.bitselect (v128.const f32x4 -inf -inf -inf -inf) (local.get $r) (f32x4.eq (local.get $x) (v128.const f32x4 0 0 0 0))))
    (local.set $r (v128.bitselect (v128.const f32x4 nan nan nan nan) (local.get $r)
      (v128.or (f32x4.lt (local.get $x) (v128.const f32x4 0 0 0 0)) (f32x4.ne (local.get $x) (local.get $x)))))
    (v128.bitselect (v128.const f32x4 inf inf inf inf) (local.get $r) (f32x4.eq (local.get $x) (v128.const f32x4 inf inf inf inf))))

  ;; tanh x: an odd polynomial below |x| = 0.625, else 1 − 2/(e^(2|x|) + 1); x's sign.
  (func $tanhv (param $x v128) (result v128)
    (local $a v128) (local $z v128) (local $p v128) (local $big v128)
    (local.set $a (f32x4.abs (local.get $x)))
    (local.set $z (f32x4.mul (local.get $x) (local.get $x)))
    (local.set $p (v128.const f32x4 -5.70498872745e-3 -5.70498872745e-3 -5.70498872745e-3 -5.70498872745e-3))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $z)) (v128.const f32x4 2.06390887954e-2 2.06390887954e-2 2.06390887954e-2 2.06390887954e-2)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $z)) (v128.const f32x4 -5.37397155531e-2 -5.37397155531e-2 -5.37397155531e-2 -5.37397155531e-2)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $z)) (v128.const f32x4 1.33314422036e-1 1.33314422036e-1 1.33314422036e-1 1.33314422036e-1)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $z)) (v128.const f32x4 -3.33332819422e-1 -3.33332819422e-1 -3.33332819422e-1 -3.33332819422e-1)))
    (local.set $p (f32x4.add (f32x4.mul (f32x4.mul (local.get $p) (local.get $z)) (local.get $x)) (local.get $x)))
    (local.set $big (f32x4.sub (v128.const f32x4 1 1 1 1) (f32x4.div (v128.const f32x4 2 2 2 2)
      (f32x4.add (call $expv (f32x4.add (local.get $a) (local.get $a))) (v128.const f32x4 1 1 1 1)))))
    ;; tanh is odd: the magnitude of the branch taken, with x's sign (so that tanh(−0) = −0)
    (v128.or
      (f32x4.abs (v128.bitselect (local.get $p) (local.get $big) (f32x4.lt (local.get $a) (v128.const f32x4 0.625 0.625 0.625 0.625))))
      (v128.and (local.get $x) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))))

  ;; σ(x) = 1 / (1 + e^(−x)) for x ≥ 0, and e^x / (1 + e^x) below (e = e^(−|x|) ≤ 1 either way:
  ;; nothing overflows, and σ of a very negative x comes out small, subnormal, then 0, not 0 at once).
  (func $sigmoidv (param $x v128) (result v128)
    (local $e v128) (local $r v128)
    (local.set $e (call $expv (f32x4.neg (f32x4.abs (local.get $x)))))
    (local.set $r (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $e))))
    (v128.bitselect (f32x4.mul (local.get $e) (local.get $r)) (local.get $r) (f32x4.lt (local.get $x) (v128.const f32x4 0 0 0 0))))

  (func (export "exp_f32") (param $x i32) (param $out i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
      (v128.store (local.get $out) (call $expv (v128.load (local.get $x))))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br $next))))

  (func (export "log_f32") (param $x i32) (param $out i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
      (v128.store (local.get $out) (call $logv (v128.load (local.get $x))))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br $next))))

  (func (export "tanh_f32") (param $x i32) (param $out i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
      (v128.store (local.get $out) (call $tanhv (v128.load (local.get $x))))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br $next))))

  (func (export "sigmoid_f32") (param $x i32) (param $out i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
      (v128.store (local.get $out) (call $sigmoidv (v128.load (local.get $x))))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br $next))))

  ;; relu: x where x > 0 or x is NaN (so that anomaly detection sees where a NaN came from), else +0
  ;; — a mask, no branch on the data (the JS loop's branch mispredicts on mixed signs).
  (func (export "relu_f32") (param $x i32) (param $out i32) (param $n i32)
    (local $end i32) (local $v v128)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
      (local.set $v (v128.load (local.get $x)))
      (v128.store (local.get $out) (v128.and (local.get $v)
        (v128.or (f32x4.gt (local.get $v) (v128.const f32x4 0 0 0 0)) (f32x4.ne (local.get $v) (local.get $v)))))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br $next))))

  ;; relu's gradient: out = g where x > 0, else +0 (x NaN: 0), as the JS loop reluGrad.
  (func (export "relu_grad_f32") (param $g i32) (param $x i32) (param $out i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $g) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $g) (local.get $end)))
      (v128.store (local.get $out) (v128.and (v128.load (local.get $g)) (f32x4.gt (v128.load (local.get $x)) (v128.const f32x4 0 0 0 0))))
      (local.set $g (i32.add (local.get $g) (i32.const 16)))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br $next))))

  ;; A transpose: out[r·cols + c] = src[r + c·stride] for r < rows, c < cols (a matrix read by
  ;; columns: what kernels/layout.ts's permutations that transpose do). Blocks of 4 × 4 (four vector
  ;; loads of four rows each, eight shuffles, four stores) inside tiles of 32 × 32, so that the
  ;; lines read stay in the first-level cache; the rows and columns left over one by one.
  (func (export "transpose_f32") (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32) (param $stride i32)
    (local $rows4 i32) (local $cols4 i32) (local $r0 i32) (local $c0 i32) (local $r1 i32) (local $c1 i32) (local $r i32) (local $c i32)
    (local $at i32) (local $strideBytes i32) (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128) (local $to i32)
    (local.set $rows4 (i32.and (local.get $rows) (i32.const -4)))
    (local.set $cols4 (i32.and (local.get $cols) (i32.const -4)))
    (local.set $strideBytes (i32.shl (local.get $stride) (i32.const 2)))
    (block $tilesDone (loop $tileRows
      (br_if $tilesDone (i32.ge_u (local.get $r0) (local.get $rows4)))
      (local.set $r1 (select (local.get $rows4) (i32.add (local.get $r0) (i32.const 32)) (i32.lt_u (i32.sub (local.get $rows4) (local.get $r0)) (i32.const 32))))
      (local.set $c0 (i32.const 0))
      (block $colsDone (loop $tileCols
        (br_if $colsDone (i32.ge_u (local.get $c0) (local.get $cols4)))
        (local.set $c1 (select (local.get $cols4) (i32.add (local.get $c0) (i32.const 32)) (i32.lt_u (i32.sub (local.get $cols4) (local.get $c0)) (i32.const 32))))
        (local.set $r (local.get $r0))
        (block $rDone (loop $rLoop
          (br_if $rDone (i32.ge_u (local.get $r) (local.get $r1)))
          (local.set $c (local.get $c0))
          (block $cDone (loop $cLoop
            (br_if $cDone (i32.ge_u (local.get $c) (local.get $c1)))
            ;; v_j = src[r … r+3, column c + j]: element (r + i, c + j) in lane i
            (local.set $at (i32.add (local.get $src) (i32.shl (i32.add (local.get $r) (i32.mul (local.get $c) (local.get $stride))) (i32.const 2))))
            (local.set $v0 (v128.load (local.get $at)))
            (local.set $v1 (v128.load (i32.add (local.get $at) (local.get $strideBytes))))
            (local.set $v2 (v128.load (i32.add (local.get $at) (i32.shl (local.get $strideBytes) (i32.const 1)))))
            (local.set $v3 (v128.load (i32.add (local.get $at) (i32.mul (local.get $strideBytes) (i32.const 3)))))
            (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v0) (local.get $v1)))
            (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v0) (local.get $v1)))
            (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v2) (local.get $v3)))
            (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v2) (local.get $v3)))
            ;; row r + i of out, columns c … c+3
            (local.set $to (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)) (i32.const 2))))
            (v128.store (local.get $to) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
            (local.set $to (i32.add (local.get $to) (i32.shl (local.get $cols) (i32.const 2))))
            (v128.store (local.get $to) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
            (local.set $to (i32.add (local.get $to) (i32.shl (local.get $cols) (i32.const 2))))
            (v128.store (local.get $to) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
            (local.set $to (i32.add (local.get $to) (i32.shl (local.get $cols) (i32.const 2))))
            (v128.store (local.get $to) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $cLoop)))
          (local.set $r (i32.add (local.get $r) (i32.const 4)))
          (br $rLoop)))
        (local.set $c0 (local.get $c1))
        (br $tileCols)))
      (local.set $r0 (local.get $r1))
      (br $tileRows)))
    ;; the columns left over (every row), then the rows left over (the other columns)
    (local.set $r (i32.const 0))
    (block $rightDone (loop $right
      (br_if $rightDone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $c (select (local.get $cols4) (i32.const 0) (i32.lt_u (local.get $r) (local.get $rows4))))
      (block $restDone (loop $rest
        (br_if $restDone (i32.ge_u (local.get $c) (local.get $cols)))
        (f32.store (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)) (i32.const 2)))
          (f32.load (i32.add (local.get $src) (i32.shl (i32.add (local.get $r) (i32.mul (local.get $c) (local.get $stride))) (i32.const 2)))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $rest)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $right))))

  ;; out[p] = Σ x[p·reduced + r] for p < outer, summed in float64 (four float64 pairs, eight floats
  ;; a step), rounded to float32 once.
  (func (export "sum_lanes_f32") (param $x i32) (param $out i32) (param $outer i32) (param $reduced i32)
    (local $p i32) (local $at i32) (local $end i32) (local $end8 i32) (local $v v128) (local $w v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $s f64)
    (block $lanesDone (loop $lanes
      (br_if $lanesDone (i32.ge_u (local.get $p) (local.get $outer)))
      (local.set $at (i32.add (local.get $x) (i32.shl (i32.mul (local.get $p) (local.get $reduced)) (i32.const 2))))
      (local.set $end (i32.add (local.get $at) (i32.shl (local.get $reduced) (i32.const 2))))
      (local.set $end8 (i32.sub (local.get $end) (i32.and (i32.shl (local.get $reduced) (i32.const 2)) (i32.const 31))))
      (local.set $s0 (v128.const f64x2 0 0)) (local.set $s1 (v128.const f64x2 0 0))
      (local.set $s2 (v128.const f64x2 0 0)) (local.set $s3 (v128.const f64x2 0 0))
      (block $eightsDone (loop $eights
        (br_if $eightsDone (i32.ge_u (local.get $at) (local.get $end8)))
        (local.set $v (v128.load (local.get $at)))
        (local.set $w (v128.load offset=16 (local.get $at)))
        (local.set $s0 (f64x2.add (local.get $s0) (f64x2.promote_low_f32x4 (local.get $v))))
        (local.set $s1 (f64x2.add (local.get $s1) (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
        (local.set $s2 (f64x2.add (local.get $s2) (f64x2.promote_low_f32x4 (local.get $w))))
        (local.set $s3 (f64x2.add (local.get $s3) (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $w) (local.get $w)))))
        (local.set $at (i32.add (local.get $at) (i32.const 32)))
        (br $eights)))
      (local.set $s0 (f64x2.add (f64x2.add (local.get $s0) (local.get $s1)) (f64x2.add (local.get $s2) (local.get $s3))))
      (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0))))
      (block $restDone (loop $rest
        (br_if $restDone (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $s (f64.add (local.get $s) (f64.promote_f32 (f32.load (local.get $at)))))
        (local.set $at (i32.add (local.get $at) (i32.const 4)))
        (br $rest)))
      (f32.store (i32.add (local.get $out) (i32.shl (local.get $p) (i32.const 2))) (f32.demote_f64 (local.get $s)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $lanes))))

  ;; out[p·inner + q] = Σ_r x[(p·reduced + r)·inner + q], in float64 in `acc` (inner doubles, 16-byte
  ;; aligned), inner a multiple of 4 (the caller pads).
  (func (export "sum_columns_f32") (param $x i32) (param $out i32) (param $acc i32) (param $outer i32) (param $reduced i32) (param $inner i32)
    (local $p i32) (local $r i32) (local $q i32) (local $row i32) (local $a i32) (local $v v128) (local $rowBytes i32)
    (local.set $rowBytes (i32.shl (local.get $inner) (i32.const 2)))
    (block $outerDone (loop $outerNext
      (br_if $outerDone (i32.ge_u (local.get $p) (local.get $outer)))
      (local.set $q (i32.const 0))
      (block $zeroDone (loop $zero
        (br_if $zeroDone (i32.ge_u (local.get $q) (local.get $inner)))
        (v128.store (i32.add (local.get $acc) (i32.shl (local.get $q) (i32.const 3))) (v128.const f64x2 0 0))
        (local.set $q (i32.add (local.get $q) (i32.const 2)))
        (br $zero)))
      (local.set $r (i32.const 0))
      (block $rowsDone (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $reduced)))
        (local.set $row (i32.add (local.get $x) (i32.mul (i32.add (i32.mul (local.get $p) (local.get $reduced)) (local.get $r)) (local.get $rowBytes))))
        (local.set $q (i32.const 0))
        (block $colsDone (loop $cols
          (br_if $colsDone (i32.ge_u (local.get $q) (local.get $inner)))
          (local.set $v (v128.load (i32.add (local.get $row) (i32.shl (local.get $q) (i32.const 2)))))
          (local.set $a (i32.add (local.get $acc) (i32.shl (local.get $q) (i32.const 3))))
          (v128.store (local.get $a) (f64x2.add (v128.load (local.get $a)) (f64x2.promote_low_f32x4 (local.get $v))))
          (v128.store offset=16 (local.get $a) (f64x2.add (v128.load offset=16 (local.get $a))
            (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
          (local.set $q (i32.add (local.get $q) (i32.const 4)))
          (br $cols)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows)))
      (local.set $q (i32.const 0))
      (block $outDone (loop $outNext
        (br_if $outDone (i32.ge_u (local.get $q) (local.get $inner)))
        (f32.store (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $p) (local.get $inner)) (local.get $q)) (i32.const 2)))
          (f32.demote_f64 (f64.load (i32.add (local.get $acc) (i32.shl (local.get $q) (i32.const 3))))))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br $outNext)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $outerNext))))

  ;; out[p] = max (min) of x[p·reduced …], reduced ≥ 4: two vectors of four lanes (eight elements a
  ;; step, two chains), merged, then the lanes and the rest one by one. The vectors take the
  ;; pseudo-max (pmax: one machine instruction, where max is several to order NaN and ±0) and note
  ;; NaNs apart: a NaN met is the result (NumPy's max propagates NaN), as the canonical NaN; of a
  ;; tie of −0 and +0 either may come out.
  (func (export "max_lanes_f32") (param $x i32) (param $out i32) (param $outer i32) (param $reduced i32)
    (local $p i32) (local $at i32) (local $end i32) (local $m v128) (local $m1 v128) (local $s f32) (local $v v128) (local $nan v128)
    (block $lanesDone (loop $lanes
      (br_if $lanesDone (i32.ge_u (local.get $p) (local.get $outer)))
      (local.set $at (i32.add (local.get $x) (i32.shl (i32.mul (local.get $p) (local.get $reduced)) (i32.const 2))))
      (local.set $end (i32.add (local.get $at) (i32.shl (local.get $reduced) (i32.const 2))))
            (local.set $m (v128.load (local.get $at)))
      (local.set $nan (f32x4.ne (local.get $m) (local.get $m)))
      (local.set $m1 (local.get $m))
      (local.set $at (i32.add (local.get $at) (i32.const 16)))
      (block $eightsDone (loop $eights
        (br_if $eightsDone (i32.gt_u (i32.add (local.get $at) (i32.const 32)) (local.get $end)))
        (local.set $v (v128.load (local.get $at)))
        (local.set $nan (v128.or (local.get $nan) (f32x4.ne (local.get $v) (local.get $v))))
        (local.set $m (f32x4.pmax (local.get $m) (local.get $v)))
        (local.set $v (v128.load offset=16 (local.get $at)))
        (local.set $nan (v128.or (local.get $nan) (f32x4.ne (local.get $v) (local.get $v))))
        (local.set $m1 (f32x4.pmax (local.get $m1) (local.get $v)))
        (local.set $at (i32.add (local.get $at) (i32.const 32)))
        (br $eights)))
      (if (i32.le_u (i32.add (local.get $at) (i32.const 16)) (local.get $end))
        (then
          (local.set $v (v128.load (local.get $at)))
          (local.set $nan (v128.or (local.get $nan) (f32x4.ne (local.get $v) (local.get $v))))
          (local.set $m (f32x4.pmax (local.get $m) (local.get $v)))
          (local.set $at (i32.add (local.get $at) (i32.const 16)))))
      (local.set $m (f32x4.max (local.get $m) (local.get $m1)))
      ;; a NaN met in the vectors: the lane's result
      (if (v128.any_true (local.get $nan)) (then (local.set $m (v128.const f32x4 nan nan nan nan))))
      (local.set $s (f32.max (f32.max (f32x4.extract_lane 0 (local.get $m)) (f32x4.extract_lane 1 (local.get $m)))
        (f32.max (f32x4.extract_lane 2 (local.get $m)) (f32x4.extract_lane 3 (local.get $m)))))
      (block $restDone (loop $rest
        (br_if $restDone (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $s (f32.max (local.get $s) (f32.load (local.get $at))))
        (local.set $at (i32.add (local.get $at) (i32.const 4)))
        (br $rest)))
      (f32.store (i32.add (local.get $out) (i32.shl (local.get $p) (i32.const 2))) (local.get $s))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $lanes))))
  (func (export "min_lanes_f32") (param $x i32) (param $out i32) (param $outer i32) (param $reduced i32)
    (local $p i32) (local $at i32) (local $end i32) (local $m v128) (local $m1 v128) (local $s f32) (local $v v128) (local $nan v128)
    (block $lanesDone (loop $lanes
      (br_if $lanesDone (i32.ge_u (local.get $p) (local.get $outer)))
      (local.set $at (i32.add (local.get $x) (i32.shl (i32.mul (local.get $p) (local.get $reduced)) (i32.const 2))))
      (local.set $end (i32.add (local.get $at) (i32.shl (local.get $reduced) (i32.const 2))))
            (local.set $m (v128.load (local.get $at)))
      (local.set $nan (f32x4.ne (local.get $m) (local.get $m)))
      (local.set $m1 (local.get $m))
      (local.set $at (i32.add (local.get $at) (i32.const 16)))
      (block $eightsDone (loop $eights
        (br_if $eightsDone (i32.gt_u (i32.add (local.get $at) (i32.const 32)) (local.get $end)))
        (local.set $v (v128.load (local.get $at)))
        (local.set $nan (v128.or (local.get $nan) (f32x4.ne (local.get $v) (local.get $v))))
        (local.set $m (f32x4.pmin (local.get $m) (local.get $v)))
        (local.set $v (v128.load offset=16 (local.get $at)))
        (local.set $nan (v128.or (local.get $nan) (f32x4.ne (local.get $v) (local.get $v))))
        (local.set $m1 (f32x4.pmin (local.get $m1) (local.get $v)))
        (local.set $at (i32.add (local.get $at) (i32.const 32)))
        (br $eights)))
      (if (i32.le_u (i32.add (local.get $at) (i32.const 16)) (local.get $end))
        (then
          (local.set $v (v128.load (local.get $at)))
          (local.set $nan (v128.or (local.get $nan) (f32x4.ne (local.get $v) (local.get $v))))
          (local.set $m (f32x4.pmin (local.get $m) (local.get $v)))
          (local.set $at (i32.add (local.get $at) (i32.const 16)))))
      (local.set $m (f32x4.min (local.get $m) (local.get $m1)))
      ;; a NaN met in the vectors: the lane's result
      (if (v128.any_true (local.get $nan)) (then (local.set $m (v128.const f32x4 nan nan nan nan))))
      (local.set $s (f32.min (f32.min (f32x4.extract_lane 0 (local.get $m)) (f32x4.extract_lane 1 (local.get $m)))
        (f32.min (f32x4.extract_lane 2 (local.get $m)) (f32x4.extract_lane 3 (local.get $m)))))
      (block $restDone (loop $rest
        (br_if $restDone (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $s (f32.min (local.get $s) (f32.load (local.get $at))))
        (local.set $at (i32.add (local.get $at) (i32.const 4)))
        (br $rest)))
      (f32.store (i32.add (local.get $out) (i32.shl (local.get $p) (i32.const 2))) (local.get $s))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $lanes))))
)
