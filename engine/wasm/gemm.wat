;; Matrix multiply in WebAssembly SIMD (128-bit: four float32 lanes), the engine's fast path for
;; float32 products (engine/kernels/wasmGemm.ts packs the operands and calls it).
;;
;;   c (m × n, rows ldc floats apart) = a (m × k, row-major) · b, with b packed in panels of 8
;;   columns: panel q holds, for p = 0 … k−1, the 8 values b[p][8q … 8q+7] one after the other.
;;
;; m is a multiple of 4 and n of 8 (the caller pads with zero rows and columns); ldc ≥ n lets a
;; caller compute a block of columns of a wider c (engine/kernels/gemmThreads.ts splits a product
;; into such blocks across threads). Each step of the
;; inner loop reads 8 values of a panel (two vectors) and one value of each of 4 rows of a
;; (load32_splat), and adds their 4 × 8 products to 8 vector accumulators that stay in registers;
;; the 4 × 8 block of c is written once per block of k. Loops, outside in: blocks of 256 along k,
;; blocks of 64 rows, panels, blocks of 4 rows, k.
;; The memory is the engine's kernel memory (engine/kernels/wasmMemory.ts), imported, shared
;; between threads where the platform allows it (the build also makes a variant without `shared`).
(module
  (import "env" "memory" (memory 1 65536 shared))

  (func (export "gemm_f32")
    (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $n i32) (param $k i32) (param $ldc i32)
    (local $i i32) (local $q i32) (local $p i32) (local $kb i32) (local $kc i32) (local $ib i32) (local $iEnd i32)
    (local $rowBytes i32) (local $cRowBytes i32) (local $panelBytes i32)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $bp i32) (local $cp i32)
    (local $x v128) (local $y0 v128) (local $y1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $rowBytes (i32.shl (local.get $k) (i32.const 2)))
    (local.set $cRowBytes (i32.shl (local.get $ldc) (i32.const 2)))
    (local.set $panelBytes (i32.shl (local.get $k) (i32.const 5)))
    ;; for each block of KC = 256 of the k axis (a's rows and b's panel slices then stay in the caches)
    (local.set $kb (i32.const 0))
    (block $kBlocksDone
      (loop $kBlocks
        (br_if $kBlocksDone (i32.and (i32.ge_u (local.get $kb) (local.get $k)) (i32.ne (local.get $kb) (i32.const 0))))
        (local.set $kc (select (i32.sub (local.get $k) (local.get $kb)) (i32.const 256)
          (i32.lt_u (i32.sub (local.get $k) (local.get $kb)) (i32.const 256))))
    ;; for each block of MC = 64 rows of a (its slice along k, 64 KB at most, stays in the
    ;; second-level cache while every panel of b goes by)
    (local.set $ib (i32.const 0))
    (block $rowBlocksDone
      (loop $rowBlocks
        (br_if $rowBlocksDone (i32.ge_u (local.get $ib) (local.get $m)))
        (local.set $iEnd (select (local.get $m) (i32.add (local.get $ib) (i32.const 64))
          (i32.lt_u (i32.sub (local.get $m) (local.get $ib)) (i32.const 64))))
    ;; for each panel of 8 columns of b (its slice stays in the first-level cache while the rows go by)
    (local.set $q (i32.const 0))
    (block $panelsDone
      (loop $panels
        (br_if $panelsDone (i32.ge_u (i32.shl (local.get $q) (i32.const 3)) (local.get $n)))
        ;; for each block of 4 rows of a, in this block of rows
        (local.set $i (local.get $ib))
        (block $rowsDone
          (loop $rows
            (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $iEnd)))
            (local.set $a0 (i32.add (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rowBytes))) (i32.shl (local.get $kb) (i32.const 2))))
            (local.set $a1 (i32.add (local.get $a0) (local.get $rowBytes)))
            (local.set $a2 (i32.add (local.get $a1) (local.get $rowBytes)))
            (local.set $a3 (i32.add (local.get $a2) (local.get $rowBytes)))
            (local.set $bp (i32.add (i32.add (local.get $b) (i32.mul (local.get $q) (local.get $panelBytes))) (i32.shl (local.get $kb) (i32.const 5))))
            (local.set $cp (i32.add (local.get $c)
              (i32.add (i32.mul (local.get $i) (local.get $cRowBytes)) (i32.shl (local.get $q) (i32.const 5)))))
            ;; the first k block starts the sums at 0, the others go on from what c holds
            (if (i32.eqz (local.get $kb))
              (then
                (local.set $c00 (v128.const i32x4 0 0 0 0)) (local.set $c01 (v128.const i32x4 0 0 0 0))
                (local.set $c10 (v128.const i32x4 0 0 0 0)) (local.set $c11 (v128.const i32x4 0 0 0 0))
                (local.set $c20 (v128.const i32x4 0 0 0 0)) (local.set $c21 (v128.const i32x4 0 0 0 0))
                (local.set $c30 (v128.const i32x4 0 0 0 0)) (local.set $c31 (v128.const i32x4 0 0 0 0)))
              (else
                (local.set $c00 (v128.load (local.get $cp)))
                (local.set $c01 (v128.load offset=16 (local.get $cp)))
                (local.set $c10 (v128.load (i32.add (local.get $cp) (local.get $cRowBytes))))
                (local.set $c11 (v128.load offset=16 (i32.add (local.get $cp) (local.get $cRowBytes))))
                (local.set $c20 (v128.load (i32.add (local.get $cp) (i32.shl (local.get $cRowBytes) (i32.const 1)))))
                (local.set $c21 (v128.load offset=16 (i32.add (local.get $cp) (i32.shl (local.get $cRowBytes) (i32.const 1)))))
                (local.set $c30 (v128.load (i32.add (local.get $cp) (i32.mul (local.get $cRowBytes) (i32.const 3)))))
                (local.set $c31 (v128.load offset=16 (i32.add (local.get $cp) (i32.mul (local.get $cRowBytes) (i32.const 3)))))))
            (local.set $p (local.get $kc))
            (block $kDone
              (loop $kLoop
                (br_if $kDone (i32.eqz (local.get $p)))
                (local.set $y0 (v128.load (local.get $bp)))
                (local.set $y1 (v128.load offset=16 (local.get $bp)))
                (local.set $x (v128.load32_splat (local.get $a0)))
                (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $y0))))
                (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $y1))))
                (local.set $x (v128.load32_splat (local.get $a1)))
                (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $y0))))
                (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $x) (local.get $y1))))
                (local.set $x (v128.load32_splat (local.get $a2)))
                (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $x) (local.get $y0))))
                (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $x) (local.get $y1))))
                (local.set $x (v128.load32_splat (local.get $a3)))
                (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $x) (local.get $y0))))
                (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $x) (local.get $y1))))
                (local.set $a0 (i32.add (local.get $a0) (i32.const 4)))
                (local.set $a1 (i32.add (local.get $a1) (i32.const 4)))
                (local.set $a2 (i32.add (local.get $a2) (i32.const 4)))
                (local.set $a3 (i32.add (local.get $a3) (i32.const 4)))
                (local.set $bp (i32.add (local.get $bp) (i32.const 32)))
                (local.set $p (i32.sub (local.get $p) (i32.const 1)))
                (br $kLoop)))
            ;; the 4 × 8 block of c: rows i … i+3, columns 8q … 8q+7
            (v128.store (local.get $cp) (local.get $c00))
            (v128.store offset=16 (local.get $cp) (local.get $c01))
            (local.set $cp (i32.add (local.get $cp) (local.get $cRowBytes)))
            (v128.store (local.get $cp) (local.get $c10))
            (v128.store offset=16 (local.get $cp) (local.get $c11))
            (local.set $cp (i32.add (local.get $cp) (local.get $cRowBytes)))
            (v128.store (local.get $cp) (local.get $c20))
            (v128.store offset=16 (local.get $cp) (local.get $c21))
            (local.set $cp (i32.add (local.get $cp) (local.get $cRowBytes)))
            (v128.store (local.get $cp) (local.get $c30))
            (v128.store offset=16 (local.get $cp) (local.get $c31))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $rows)))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br $panels)))
        (local.set $ib (i32.add (local.get $ib) (i32.const 64)))
        (br $rowBlocks)))
        (local.set $kb (i32.add (local.get $kb) (i32.const 256)))
        (br_if $kBlocks (i32.lt_u (local.get $kb) (local.get $k))))))
  ;; b (k × n, element (p, j) at src + 4·(p·rowStride + j·colStride)) into the panels gemm_f32
  ;; reads at dst (zeros past column n), for a full panel:
  ;;   - b's rows contiguous (colStride 1): 8 floats of a row of b a step, two vectors;
  ;;   - b given transposed (rowStride 1: its columns contiguous, colStride apart): four steps at a
  ;;     time, one vector from each of the panel's 8 columns, two 4 × 4 transposes by shuffles;
  ;; one float at a time otherwise (the last panel, steps left over, other strides).
  (func (export "pack_b") (param $src i32) (param $rowStride i32) (param $colStride i32) (param $dst i32) (param $k i32) (param $n i32)
    (local $first i32) (local $width i32) (local $p i32) (local $j i32) (local $row i32) (local $rowBytes i32)
    (local $colBytes i32) (local $k4 i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $v4 v128) (local $v5 v128) (local $v6 v128) (local $v7 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128) (local $u0 v128) (local $u1 v128) (local $u2 v128) (local $u3 v128)
    (local.set $rowBytes (i32.shl (local.get $rowStride) (i32.const 2)))
    (local.set $colBytes (i32.shl (local.get $colStride) (i32.const 2)))
    (local.set $k4 (i32.and (local.get $k) (i32.const -4)))
    (block $panelsDone
      (loop $panels
        (br_if $panelsDone (i32.ge_u (local.get $first) (local.get $n)))
        (local.set $width (select (i32.const 8) (i32.sub (local.get $n) (local.get $first))
          (i32.ge_u (i32.sub (local.get $n) (local.get $first)) (i32.const 8))))
        (local.set $row (i32.add (local.get $src) (i32.shl (i32.mul (local.get $first) (local.get $colStride)) (i32.const 2))))
        (local.set $p (i32.const 0))
        (if (i32.and (i32.eq (local.get $colStride) (i32.const 1)) (i32.eq (local.get $width) (i32.const 8)))
          (then
            (block $rowsDone (loop $rows
              (br_if $rowsDone (i32.ge_u (local.get $p) (local.get $k)))
              (v128.store (local.get $dst) (v128.load (local.get $row)))
              (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $row)))
              (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
              (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
              (local.set $p (i32.add (local.get $p) (i32.const 1)))
              (br $rows))))
          (else
        (if (i32.and (i32.eq (local.get $rowStride) (i32.const 1)) (i32.eq (local.get $width) (i32.const 8)))
          (then
            ;; v_r = column first + r of b, steps p … p+3; transposed, lane s of t_r / u_r is step p + s
            (block $stepsDone (loop $steps
              (br_if $stepsDone (i32.ge_u (local.get $p) (local.get $k4)))
              (local.set $v0 (v128.load (local.get $row)))
              (local.set $v1 (v128.load (i32.add (local.get $row) (local.get $colBytes))))
              (local.set $v2 (v128.load (i32.add (local.get $row) (i32.shl (local.get $colBytes) (i32.const 1)))))
              (local.set $v3 (v128.load (i32.add (local.get $row) (i32.mul (local.get $colBytes) (i32.const 3)))))
              (local.set $v4 (v128.load (i32.add (local.get $row) (i32.shl (local.get $colBytes) (i32.const 2)))))
              (local.set $v5 (v128.load (i32.add (local.get $row) (i32.mul (local.get $colBytes) (i32.const 5)))))
              (local.set $v6 (v128.load (i32.add (local.get $row) (i32.mul (local.get $colBytes) (i32.const 6)))))
              (local.set $v7 (v128.load (i32.add (local.get $row) (i32.mul (local.get $colBytes) (i32.const 7)))))
              (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v0) (local.get $v1)))
              (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v0) (local.get $v1)))
              (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v2) (local.get $v3)))
              (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v2) (local.get $v3)))
              (local.set $u0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v4) (local.get $v5)))
              (local.set $u1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v4) (local.get $v5)))
              (local.set $u2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v6) (local.get $v7)))
              (local.set $u3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v6) (local.get $v7)))
              ;; step p + s of the panel: columns 0–3 then 4–7
              (v128.store (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
              (v128.store offset=16 (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $u0) (local.get $u2)))
              (v128.store offset=32 (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
              (v128.store offset=48 (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $u0) (local.get $u2)))
              (v128.store offset=64 (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
              (v128.store offset=80 (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $u1) (local.get $u3)))
              (v128.store offset=96 (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
              (v128.store offset=112 (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $u1) (local.get $u3)))
              (local.set $row (i32.add (local.get $row) (i32.const 16)))
              (local.set $dst (i32.add (local.get $dst) (i32.const 128)))
              (local.set $p (i32.add (local.get $p) (i32.const 4)))
              (br $steps)))))
            ;; the rest one float at a time (from step p: all of it, or the steps left over)
            (block $rowsDone (loop $rows
              (br_if $rowsDone (i32.ge_u (local.get $p) (local.get $k)))
              (v128.store (local.get $dst) (v128.const i32x4 0 0 0 0))
              (v128.store offset=16 (local.get $dst) (v128.const i32x4 0 0 0 0))
              (local.set $j (i32.const 0))
              (block $colsDone (loop $cols
                (br_if $colsDone (i32.ge_u (local.get $j) (local.get $width)))
                (f32.store (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 2)))
                  (f32.load (i32.add (local.get $row) (i32.shl (i32.mul (local.get $j) (local.get $colStride)) (i32.const 2)))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $cols)))
              (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
              (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
              (local.set $p (i32.add (local.get $p) (i32.const 1)))
              (br $rows)))))
        (local.set $first (i32.add (local.get $first) (i32.const 8)))
        (br $panels))))

  ;; The machine's one-core WebAssembly SIMD peak, for the benchmark (bench/engine.bench.ts): the
  ;; kernel's instruction mix, f32x4.mul and f32x4.add one for one, at their throughput rather than
  ;; their latency — six chains of multiplies and six of adds, independent of each other, in
  ;; registers, no memory traffic: 48 floating-point operations per iteration. Called with x = 1 and
  ;; y = 0 (parameters, so that nothing is folded away), the values never change and never become
  ;; denormal. Returns a lane of the sum so that nothing is optimised away.
  (func (export "peak_f32") (param $iterations i32) (param $xs f32) (param $ys f32) (result f32)
    (local $x v128) (local $y v128)
    (local $m0 v128) (local $m1 v128) (local $m2 v128) (local $m3 v128) (local $m4 v128) (local $m5 v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128)
    (local.set $x (f32x4.splat (local.get $xs)))
    (local.set $y (f32x4.splat (local.get $ys)))
    (local.set $m0 (local.get $x)) (local.set $m1 (local.get $x)) (local.set $m2 (local.get $x))
    (local.set $m3 (local.get $x)) (local.set $m4 (local.get $x)) (local.set $m5 (local.get $x))
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $iterations)))
        (local.set $m0 (f32x4.mul (local.get $m0) (local.get $x)))
        (local.set $a0 (f32x4.add (local.get $a0) (local.get $y)))
        (local.set $m1 (f32x4.mul (local.get $m1) (local.get $x)))
        (local.set $a1 (f32x4.add (local.get $a1) (local.get $y)))
        (local.set $m2 (f32x4.mul (local.get $m2) (local.get $x)))
        (local.set $a2 (f32x4.add (local.get $a2) (local.get $y)))
        (local.set $m3 (f32x4.mul (local.get $m3) (local.get $x)))
        (local.set $a3 (f32x4.add (local.get $a3) (local.get $y)))
        (local.set $m4 (f32x4.mul (local.get $m4) (local.get $x)))
        (local.set $a4 (f32x4.add (local.get $a4) (local.get $y)))
        (local.set $m5 (f32x4.mul (local.get $m5) (local.get $x)))
        (local.set $a5 (f32x4.add (local.get $a5) (local.get $y)))
        (local.set $iterations (i32.sub (local.get $iterations) (i32.const 1)))
        (br $again)))
    (f32x4.extract_lane 0 (f32x4.add
      (f32x4.add (f32x4.add (f32x4.add (local.get $m0) (local.get $m1)) (f32x4.add (local.get $m2) (local.get $m3))) (f32x4.add (local.get $m4) (local.get $m5)))
      (f32x4.add (f32x4.add (f32x4.add (local.get $a0) (local.get $a1)) (f32x4.add (local.get $a2) (local.get $a3))) (f32x4.add (local.get $a4) (local.get $a5))))))
)
