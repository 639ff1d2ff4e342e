package io.github.sam2fiji.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.github.sam2fiji.eval.CtcScores;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code score --gt SEQ_GT --res SEQ_RES}: Cell Tracking Challenge measures of a result. */
@Command(name = "score", mixinStandardHelpOptions = true,
	description = { "Scores a tracking result against Cell Tracking Challenge ground truth: SEG, DET, TRA as the challenge defines them,",
		"plus ID persistence per ground-truth track and ID switches. A CTC result folder is first checked with the challenge's",
		"validity rules (\"Valid: 0\" and the reason, exit 1, no measures, when it breaks one). The last line is",
		"SEG=0.xxx DET=0.xxx TRA=0.xxx persistence=0.xxx switches=N" })
public final class ScoreCli implements Callable<Integer> {

	@Spec
	CommandSpec spec;

	@Option(names = "--gt", required = true, paramLabel = "SEQ_GT", description = "ground-truth folder with TRA/ (man_track.txt, man_trackTTT.tif) and SEG/ (man_segTTT.tif)")
	Path groundTruth;

	@Option(names = "--res", required = true, paramLabel = "SEQ_RES", description = "result folder (res_track.txt, maskTTT.tif) or a label stack TIFF (tracks derived from label IDs)")
	Path result;

	@Override
	public Integer call() {
		PrintWriter out = spec.commandLine().getOut();
		PrintWriter err = spec.commandLine().getErr();
		try {
			CtcFolders.Outcome outcome = CtcFolders.score(groundTruth, result);
			if (outcome.invalid().isPresent()) {
				// as the official evaluation: an invalid result gets no measures
				out.println("Valid: 0 (" + outcome.invalid().get() + ")");
				out.flush();
				err.println("score: " + result + " is not a valid CTC result, not scored: " + outcome.invalid().get());
				err.flush();
				return 1;
			}
			CtcScores scores = outcome.scores();
			out.println("Valid: 1");
			out.println(scores.details());
			out.println(scores.summary());
			out.flush();
			return 0;
		}
		catch (IOException | IllegalArgumentException e) {
			err.println("score: " + e.getMessage());
			err.flush();
			return 1;
		}
	}
}
