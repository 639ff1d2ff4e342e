package io.github.sam2fiji.convert;

import java.io.IOException;
import java.util.LinkedHashMap;

import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

/**
 * Reads the pickle of a PyTorch zip checkpoint (data.pkl) into plain Java values: dicts as maps,
 * tuples as arrays, tensors as {@link TensorView}s of {@link StorageRef}s. Globals are resolved
 * here, per instance, instead of through the library's static constructor registry: the few that
 * torch.save writes become Java values, every other class an inert {@link Opaque} marker. No Python
 * code is ever run, whatever the file says.
 */
final class CheckpointUnpickler extends Unpickler {

	/** A storage reference: the persistent id ('storage', type, key, location, numel). */
	record StorageRef(CheckpointTensor.StorageType type, String typeName, String key, long elements) {}

	/** torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...). */
	record TensorView(StorageRef storage, long offset, long[] shape, long[] stride) {}

	/** An object of a class this reader does not know (kept, never used as a tensor). */
	record Opaque(String className) implements IObjectConstructor {
		@Override
		public Object construct(Object[] args) {
			return this;
		}
	}

	/** collections.OrderedDict, the type of every state dict. */
	static final class OrderedDict extends LinkedHashMap<Object, Object> {
		private static final long serialVersionUID = 1L;
	}

	@Override
	protected Object dispatch(short key) throws IOException {
		switch (key) {
			case Opcodes.GLOBAL: {
				String module = PickleUtils.readline(input);
				String name = PickleUtils.readline(input);
				stack.add(global(module, name));
				return NO_RETURN_VALUE;
			}
			case Opcodes.STACK_GLOBAL: {
				String name = String.valueOf(stack.pop());
				String module = String.valueOf(stack.pop());
				stack.add(global(module, name));
				return NO_RETURN_VALUE;
			}
			case Opcodes.BUILD: {
				// state set on an object: a state dict's _metadata (module versions) or an opaque
				// object's fields; neither matters for the tensors
				stack.pop();
				return NO_RETURN_VALUE;
			}
			default:
				return super.dispatch(key);
		}
	}

	@Override
	protected Object persistentLoad(Object pid) {
		if (!(pid instanceof Object[] id) || id.length < 5 || !"storage".equals(id[0]))
			throw new ConversionException("unknown persistent id in the pickle (not a torch.save zip checkpoint?)");
		String typeName = id[1] instanceof Opaque o ? o.className() : String.valueOf(id[1]);
		CheckpointTensor.StorageType type = id[1] instanceof CheckpointTensor.StorageType t ? t : null;
		return new StorageRef(type, typeName, String.valueOf(id[2]), ((Number) id[4]).longValue());
	}

	private static Object global(String module, String name) {
		String qualified = module + "." + name;
		switch (qualified) {
			case "collections.OrderedDict":
				return (IObjectConstructor) args -> new OrderedDict();
			case "torch._utils._rebuild_tensor_v2":
			case "torch._utils._rebuild_tensor":
				return (IObjectConstructor) CheckpointUnpickler::rebuildTensor;
			case "torch._utils._rebuild_parameter":
			case "torch._utils._rebuild_parameter_with_state":
				return (IObjectConstructor) args -> args[0];
			default:
				if ("torch".equals(module)) {
					CheckpointTensor.StorageType type = CheckpointTensor.StorageType.forPythonName(name);
					if (type != null) return type;
				}
				return new Opaque(qualified);
		}
	}

	private static Object rebuildTensor(Object[] args) {
		if (args.length < 4 || !(args[0] instanceof StorageRef storage))
			throw new ConversionException("a tensor in the pickle has no storage (not a torch.save checkpoint?)");
		return new TensorView(storage, ((Number) args[1]).longValue(), longs(args[2]), longs(args[3]));
	}

	private static long[] longs(Object tuple) {
		if (!(tuple instanceof Object[] values)) throw new ConversionException("a tensor's size or stride is not a tuple");
		long[] out = new long[values.length];
		for (int i = 0; i < out.length; i++) out[i] = ((Number) values[i]).longValue();
		return out;
	}
}
