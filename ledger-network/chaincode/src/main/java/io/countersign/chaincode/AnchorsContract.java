package io.countersign.chaincode;

import org.hyperledger.fabric.contract.Context;
import org.hyperledger.fabric.contract.ContractInterface;
import org.hyperledger.fabric.contract.annotation.Contract;
import org.hyperledger.fabric.contract.annotation.Default;
import org.hyperledger.fabric.contract.annotation.Info;
import org.hyperledger.fabric.contract.annotation.Transaction;

/** Countersign's journal anchors on Fabric (docs/evidence-format.md §9). */
@Contract(name = "anchors", info = @Info(title = "Countersign anchors",
        description = "Checks and stores anchored batches of Countersign's journal", version = "1.0"))
@Default
public final class AnchorsContract implements ContractInterface {

    @Transaction(name = "RegisterKeys", intent = Transaction.TYPE.SUBMIT)
    public String registerKeys(Context context, String listing) {
        return anchors(context).registerKeys(listing);
    }

    @Transaction(name = "Anchor", intent = Transaction.TYPE.SUBMIT)
    public String anchor(Context context, String batch) {
        return anchors(context).anchor(batch);
    }

    @Transaction(name = "Head", intent = Transaction.TYPE.EVALUATE)
    public String head(Context context, String origin) {
        return anchors(context).head(origin);
    }

    @Transaction(name = "SegmentOf", intent = Transaction.TYPE.EVALUATE)
    public String segmentOf(Context context, String origin, String seq) {
        return anchors(context).segmentOf(origin, seq);
    }

    @Transaction(name = "Keys", intent = Transaction.TYPE.EVALUATE)
    public String keys(Context context, String origin) {
        return anchors(context).keys(origin);
    }

    private static Anchors anchors(Context context) {
        return new Anchors(new FabricState(context));
    }
}
